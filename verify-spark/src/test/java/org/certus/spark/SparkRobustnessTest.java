package org.certus.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.sql.SparkSession;
import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.cli.Certus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against {@code certus robustness} itself on the same samples (one search thread each, so both
 * searches take the same path): the same {@code summary.csv} (every column but the time), the same
 * {@code report.md} (every line but those of times and options) and the same {@code examples/}, byte for byte.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparkRobustnessTest {
    @TempDir
    Path tmp;

    /** The column that legitimately differs between two runs: time_s. */
    private static final int TIME_COLUMN = RobustnessRow.HEADER.indexOf("time_s");

    @Test
    void sameFilesAsCertusRobustnessOnTwentySamples() throws IOException {
        Path cliOut = tmp.resolve("cli");
        ByteArrayOutputStream cliStdout = new ByteArrayOutputStream();
        ByteArrayOutputStream cliStderr = new ByteArrayOutputStream();
        int code = Certus.run(new String[] {"robustness", "--network", "mnist-wk17a", "--samples", "0:19", "--eps", "0.1", "--time-limit",
                RobustnessRow.number(LocalSpark.TIME_LIMIT), "--threads", "1", "--quiet", "--out", cliOut.toString()},
                new PrintStream(cliStdout, true, StandardCharsets.UTF_8), new PrintStream(cliStderr, true, StandardCharsets.UTF_8));
        assertEquals(0, code, cliStderr.toString(StandardCharsets.UTF_8));

        Path sparkOut = tmp.resolve("spark");
        SparkSession spark = LocalSpark.start("local[2]");
        SparkRobustness.Outcome first;
        SparkRobustness.Outcome again;
        try {
            first = SparkRobustness.run(LocalSpark.job(sparkOut, 0, 19, -1), spark, LocalSpark.QUIET);
            // Resume: everything is done, nothing is solved again and the summary is the same.
            again = SparkRobustness.run(LocalSpark.job(sparkOut, 0, 19, -1), spark, LocalSpark.QUIET);
        } finally {
            spark.stop();
        }
        assertEquals(20, first.solvedNow());
        assertEquals(0, again.solvedNow());
        assertEquals(20, again.skipped());
        assertEquals(first.rows(), again.rows());

        List<String> cli = Files.readAllLines(cliOut.resolve("summary.csv"));
        List<String> ours = Files.readAllLines(sparkOut.resolve("summary.csv"));
        assertEquals(cli.get(0), ours.get(0), "header");
        assertEquals(21, ours.size(), "one row per sample: " + ours);
        // certus robustness appends in sample order when it runs one after another
        for (int k = 1; k <= 20; k++) {
            assertEquals(withoutTime(cli.get(k)), withoutTime(ours.get(k)), "sample " + (k - 1));
        }

        List<String> cliReport = withoutTimesAndOptions(cliOut.resolve("report.md"));
        List<String> ourReport = withoutTimesAndOptions(sparkOut.resolve("report.md"));
        assertEquals(cliReport, ourReport);
        assertTrue(cliReport.size() > 10, "the report has its table: " + cliReport);
        assertTrue(first.report().count(RobustnessStatus.ROBUST) > 15, "most of samples 0..19 are robust at eps 0.1: " + first.report());

        // The same example files, byte for byte (samples 0..19 at eps 0.1 include vulnerable ones).
        List<String> cliExamples = names(cliOut.resolve("examples"));
        assertEquals(cliExamples, names(sparkOut.resolve("examples")));
        assertEquals(2 * first.report().count(RobustnessStatus.VULNERABLE), cliExamples.size(), "a JSON and a PNG per vulnerable sample");
        assertTrue(!cliExamples.isEmpty(), "sample 8 is vulnerable at eps 0.1");
        for (String name : cliExamples) {
            assertArrayEquals(Files.readAllBytes(cliOut.resolve("examples").resolve(name)),
                    Files.readAllBytes(sparkOut.resolve("examples").resolve(name)), name);
        }

        // The network was loaded once in this JVM (driver and both task threads share it), not per sample.
        assertEquals(1, ExecutorModels.networkLoads());
    }

    private static List<String> withoutTime(String line) {
        List<String> f = new ArrayList<>(List.of(line.split(",", -1)));
        f.remove(TIME_COLUMN);
        return f;
    }

    /** The report's lines but those that depend on the run: times (per sample, total, wall) and the options. */
    private static List<String> withoutTimesAndOptions(Path report) throws IOException {
        return Files.readAllLines(report).stream().filter(l -> !l.contains(" time ") && !l.startsWith("| options |")).toList();
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
