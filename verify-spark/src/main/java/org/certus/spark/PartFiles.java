package org.certus.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code OUT/parts/sample-<i>.csv}: one finished sample each (the header and its row), the
 * durable record of a Spark run. A file is written to a uniquely named temporary file, forced to
 * disk and renamed over its final name in one atomic step, so it is whole or absent. The name
 * depends only on the sample, so a retried or speculative attempt of the same task replaces it with
 * an equivalent row: whichever rename comes last wins, and there is never more than one.
 */
public final class PartFiles {
    public static final String FOLDER = "parts";
    private static final Pattern NAME = Pattern.compile("sample-(\\d+)\\.csv");

    private final Path dir;

    public PartFiles(Path out) {
        this.dir = out.resolve(FOLDER);
    }

    public Path dir() {
        return dir;
    }

    public Path file(int sample) {
        return dir.resolve("sample-" + sample + ".csv");
    }

    /** Writes the row of its sample durably and atomically; when this returns the part survives a crash. */
    public void write(SampleRow row) throws IOException {
        Files.createDirectories(dir);
        byte[] bytes = (SampleRow.csvLine(SampleRow.HEADER) + row.csvLine()).getBytes(StandardCharsets.UTF_8);
        writeAtomically(file(row.sample()), bytes);
    }

    /** Temp file in the same folder, fsync, atomic rename over the target, fsync of the folder. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; --out must be a POSIX-like shared folder", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename itself durable (Linux); harmless where unsupported
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot open or sync a folder; the rename is still atomic
        }
    }

    /** Samples that already have a part file (resume skips them). */
    public Set<Integer> done() throws IOException {
        Set<Integer> s = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return s;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    s.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return s;
    }

    /**
     * Every part, by sample.
     *
     * @throws SparkRobustnessException naming the file when a part is not one row of its own sample
     */
    public TreeMap<Integer, SampleRow> readAll() throws IOException {
        TreeMap<Integer, SampleRow> rows = new TreeMap<>();
        for (int i : done()) {
            Path f = file(i);
            List<SampleRow> r;
            try {
                r = SampleRow.parseTable(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SparkRobustnessException(f + " is corrupted: " + e.getMessage() + "; delete it to solve sample " + i + " again");
            }
            if (r.size() != 1 || r.get(0).sample() != i) {
                throw new SparkRobustnessException(f + " is corrupted: expected one row of sample " + i + ", found "
                        + new ArrayList<>(r.stream().map(SampleRow::sample).toList()) + "; delete it to solve sample " + i + " again");
            }
            rows.put(i, r.get(0));
        }
        return rows;
    }

    /** Removes temporary files of attempts that died before their rename (call only when no job writes). */
    public int removeStrayTempFiles() throws IOException {
        int n = 0;
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".tmp") && Files.deleteIfExists(f)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
