package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.certus.data.DataException;

/**
 * A results file of {@code certus vnncomp}: one row {@code onnx,vnnlib,result,time_s,nodes} per finished
 * instance, no header. Rows are appended and forced to disk one at a time, so an interrupted run loses
 * at most the instance in progress and resumes from the rows present.
 */
public final class VnncompResults implements AutoCloseable {
    /** One finished instance. */
    public record Row(String onnx, String vnnlib, String result, double seconds, long nodes) {
        public String key() {
            return VnncompResults.key(onnx, vnnlib);
        }
    }

    private final FileChannel channel;

    private VnncompResults(FileChannel channel) {
        this.channel = channel;
    }

    static String key(String onnx, String vnnlib) {
        return onnx + "\u0000" + vnnlib;
    }

    /**
     * The rows of an existing results file, by instance key (a later row for the same instance wins), or
     * none if it does not exist. A last line without its newline (a run killed mid-write) is ignored here;
     * {@link #openForAppend} removes it.
     */
    public static Map<String, Row> read(Path file) {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return rows;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot read the results file: " + e.getMessage());
        }
        int end = text.lastIndexOf('\n') + 1;
        try {
            for (CSVRecord rec : CSVFormat.DEFAULT.parse(new StringReader(text.substring(0, end)))) {
                if (rec.size() == 1 && rec.get(0).isBlank()) {
                    continue;
                }
                if (rec.size() < 5) {
                    throw new DataException(file + ":" + rec.getRecordNumber(), "expected onnx,vnnlib,result,time_s,nodes, got "
                            + rec.size() + " column(s)");
                }
                if (rec.getRecordNumber() == 1 && "onnx".equals(rec.get(0)) && "result".equals(rec.get(2))) {
                    continue; // a header someone added
                }
                try {
                    Row row = new Row(rec.get(0), rec.get(1), rec.get(2), Double.parseDouble(rec.get(3)), Long.parseLong(rec.get(4)));
                    rows.put(row.key(), row);
                } catch (NumberFormatException e) {
                    throw new DataException(file + ":" + rec.getRecordNumber(), "bad time or nodes: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot parse the results file: " + e.getMessage());
        }
        return rows;
    }

    /** Opens for appending, first cutting off a partial last line (with a notice on {@code notices}). */
    static VnncompResults openForAppend(Path file, PrintWriter notices) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            long size = ch.size();
            if (size > 0) {
                byte[] all = Files.readAllBytes(file);
                int lastNewline = all.length - 1;
                while (lastNewline >= 0 && all[lastNewline] != '\n') {
                    lastNewline--;
                }
                if (lastNewline != all.length - 1) {
                    String partial = new String(all, lastNewline + 1, all.length - lastNewline - 1, StandardCharsets.UTF_8);
                    notices.println("certus: notice: " + file + ": removed a partial last line '" + partial
                            + "' (an interrupted run); that instance runs again");
                    ch.truncate(lastNewline + 1);
                    ch.force(true);
                }
            }
            ch.position(ch.size());
            return new VnncompResults(ch);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot open the results file for writing: " + e.getMessage());
        }
    }

    /** Appends one row and forces it to disk. */
    void append(Row row) {
        String line = CSVFormat.DEFAULT.format(row.onnx(), row.vnnlib(), row.result(),
                String.format(Locale.ROOT, "%.3f", row.seconds()), Long.toString(row.nodes())) + "\n";
        try {
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new DataException("results file", "cannot append to the results file: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Every row was already forced to disk.
        }
    }
}
