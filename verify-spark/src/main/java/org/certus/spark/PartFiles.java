package org.certus.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.certus.api.InputFiles;
import org.certus.api.RobustnessRow;
import org.certus.api.RowStore;

/**
 * Where a Spark run keeps its rows: {@code OUT/parts/sample-<i>.csv}, one finished sample each (the summary's
 * header and its row), written atomically ({@link InputFiles#writeAtomically}) so it is whole or absent. The name
 * depends only on the sample, so a retried or speculative attempt of the same task replaces it with an equivalent
 * row: whichever rename comes last wins, and there is never more than one. Errors go to
 * {@code OUT/errors/sample-<i>.txt}, one file per sample, so that executors never append to a shared file.
 */
public final class PartFiles implements RowStore {
    public static final String FOLDER = "parts";
    /** The driver's lock in {@link #FOLDER} (held while a job runs; never a part, never a temporary file). */
    static final String LOCK = ".lock";
    static final String ERRORS = "errors";
    private static final Pattern NAME = Pattern.compile("sample-(\\d+)\\.csv");

    private final Path out;
    private final Path dir;

    public PartFiles(Path out) {
        this.out = out;
        this.dir = out.resolve(FOLDER);
    }

    public Path dir() {
        return dir;
    }

    public Path file(int sample) {
        return dir.resolve("sample-" + sample + ".csv");
    }

    /** Writes the row of its sample durably and atomically; when this returns the part survives a crash. */
    @Override
    public void append(RobustnessRow row) throws IOException {
        Files.createDirectories(dir);
        byte[] bytes = (RobustnessRow.csvLine(RobustnessRow.HEADER) + row.csvLine()).getBytes(StandardCharsets.UTF_8);
        InputFiles.writeAtomically(file(row.sample()), bytes);
    }

    @Override
    public void logError(int sample, String message) throws IOException {
        System.err.println("certus-spark: error: sample " + sample + ": " + message);
        Path errors = out.resolve(ERRORS);
        Files.createDirectories(errors);
        InputFiles.writeAtomically(errors.resolve("sample-" + sample + ".txt"), (message + "\n").getBytes(StandardCharsets.UTF_8));
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
    @Override
    public TreeMap<Integer, RobustnessRow> latest() throws IOException {
        TreeMap<Integer, RobustnessRow> rows = new TreeMap<>();
        for (int i : done()) {
            Path f = file(i);
            List<RobustnessRow> r;
            try {
                r = RobustnessRow.parse(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SparkRobustnessException(f + " is corrupted: " + e.getMessage() + "; delete it to solve sample " + i + " again");
            }
            if (r.size() != 1 || r.get(0).sample() != i) {
                throw new SparkRobustnessException(f + " is corrupted: expected one row of sample " + i + ", found "
                        + new ArrayList<>(r.stream().map(RobustnessRow::sample).toList()) + "; delete it to solve sample " + i + " again");
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
                    if (InputFiles.isTemporary(f.getFileName().toString()) && Files.deleteIfExists(f)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
