package org.certus.cli;

import org.certus.api.Messages;
import org.certus.api.InputFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.certus.data.DataException;

/**
 * A VNN-COMP {@code instances.csv}: rows {@code onnx,vnnlib,timeout} with paths relative to a root folder.
 * The competition's files have no header; a header row (a non-numeric timeout in the first row) is skipped.
 */
public final class VnncompInstances {
    /** One instance, with its paths as written in the CSV (they are also its key in a results file). */
    public record Instance(int line, String onnx, String vnnlib, double timeoutSeconds) {
        public String key() {
            return VnncompResults.key(onnx, vnnlib);
        }
    }

    private VnncompInstances() {
    }

    public static List<Instance> read(Path csv) {
        try (Reader r = Files.newBufferedReader(InputFiles.requireRegular(csv), StandardCharsets.UTF_8)) {
            return read(r, csv.toString());
        } catch (NoSuchFileException e) {
            throw new DataException(csv.toString(), "file not found");
        } catch (IOException e) {
            throw new DataException(csv.toString(), "cannot read the file: " + e.getMessage());
        }
    }

    static List<Instance> read(Reader r, String source) throws IOException {
        try {
            return parse(r, source);
        } catch (UncheckedIOException e) {
            // commons-csv reports syntax errors (a character after a closing quote, an unclosed quote) this way
            throw new DataException(source, "not a valid CSV file: " + Messages.oneLine(e.getCause().getMessage()), e);
        }
    }

    private static List<Instance> parse(Reader r, String source) throws IOException {
        List<Instance> out = new ArrayList<>();
        for (CSVRecord rec : CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get().parse(r)) {
            int line = (int) rec.getRecordNumber();
            if (rec.size() == 1 && rec.get(0).isEmpty()) {
                continue;
            }
            if (rec.size() < 3) {
                throw new DataException(source + ":" + line, "expected onnx,vnnlib,timeout, got " + rec.size() + " column(s)");
            }
            double timeout;
            try {
                timeout = Double.parseDouble(rec.get(2));
            } catch (NumberFormatException e) {
                if (out.isEmpty() && line == 1) {
                    continue; // a header row
                }
                throw new DataException(source + ":" + line, "timeout '" + rec.get(2) + "' is not a number");
            }
            if (!(timeout > 0) || Double.isInfinite(timeout)) {
                throw new DataException(source + ":" + line, "timeout must be a positive number of seconds, got " + rec.get(2));
            }
            if (rec.get(0).isEmpty() || rec.get(1).isEmpty()) {
                throw new DataException(source + ":" + line, "empty onnx or vnnlib path");
            }
            out.add(new Instance(line, rec.get(0), rec.get(1), timeout));
        }
        if (out.isEmpty()) {
            throw new DataException(source, "no instances");
        }
        return out;
    }
}
