package org.certus.spark;

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

import org.apache.spark.sql.SparkSession;
import org.certus.cli.Certus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job against {@code certus robustness} itself: same samples, same rows (every column
 * but the time), same report counts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparkRobustnessTest {
    @TempDir
    Path tmp;

    /** Columns that legitimately differ between two runs: time_s. */
    private static final int TIME_COLUMN = SampleRow.HEADER.indexOf("time_s");

    @Test
    void sameRowsAsCertusRobustnessOnTwentySamples() throws IOException {
        Path cliOut = tmp.resolve("cli");
        ByteArrayOutputStream cliStdout = new ByteArrayOutputStream();
        ByteArrayOutputStream cliStderr = new ByteArrayOutputStream();
        int code = Certus.run(new String[] {"robustness", "--network", "mnist-wk17a", "--samples", "0:19", "--eps", "0.1", "--time-limit",
                SampleRow.number(LocalSpark.TIME_LIMIT), "--threads", "1", "--quiet", "--out", cliOut.toString()},
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

        List<String> cli = Files.readAllLines(cliOut.resolve("summary.csv"));
        List<String> ours = Files.readAllLines(sparkOut.resolve("summary.csv"));
        assertEquals(cli.get(0), ours.get(0), "header");
        assertEquals(21, ours.size(), "one row per sample: " + ours);
        // certus robustness appends in sample order when it runs one after another
        for (int k = 1; k <= 20; k++) {
            assertEquals(withoutTime(cli.get(k)), withoutTime(ours.get(k)), "sample " + (k - 1));
        }
        assertEquals(first.rows(), again.rows());

        // Same counts and bounds in report.md: the table lines up to the time rows are identical.
        List<String> cliTable = tableLines(cliOut.resolve("report.md"));
        List<String> ourTable = tableLines(sparkOut.resolve("report.md"));
        int countRows = cliTable.indexOf(cliTable.stream().filter(l -> l.startsWith("| mean time")).findFirst().orElseThrow());
        assertEquals(cliTable.subList(0, countRows), ourTable.subList(0, countRows));
        assertTrue(first.report().robust() > 15, "most of samples 0..19 are robust at eps 0.1: " + first.report());

        // The network was loaded once in this JVM (driver and both task threads share it), not per sample.
        assertEquals(1, ExecutorModels.networkLoads());
    }

    private static List<String> withoutTime(String line) {
        List<String> f = new ArrayList<>(List.of(line.split(",", -1)));
        f.remove(TIME_COLUMN);
        return f;
    }

    private static List<String> tableLines(Path report) throws IOException {
        return Files.readAllLines(report).stream().filter(l -> l.startsWith("|")).toList();
    }
}
