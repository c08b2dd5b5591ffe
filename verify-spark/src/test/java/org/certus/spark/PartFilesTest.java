package org.certus.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Part files, rows and the report, without Spark. */
class PartFilesTest {
    @TempDir
    Path tmp;

    static RobustnessRow row(int i, RobustnessStatus status, double time) {
        return new RobustnessRow(i, 7, 7, status, status == RobustnessStatus.ROBUST ? 0.1 : Double.NaN,
                status == RobustnessStatus.VULNERABLE ? 0.0987654321 : Double.NaN, time, 3, "mnist-wk17a", "mnist", "0.1", "inf", "linf",
                "untargeted", "0.0", "60.0", "feasible", "sound", Double.NaN, Double.NaN);
    }

    @RepeatedTest(20)
    void rowsRoundTripThroughPartFiles(RepetitionInfo rep) throws IOException {
        long seed = 1000 + rep.getCurrentRepetition();
        Random rnd = new Random(seed);
        PartFiles parts = new PartFiles(tmp);
        int n = 1 + rnd.nextInt(10);
        java.util.Map<Integer, RobustnessRow> written = new java.util.TreeMap<>();
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(50);
            RobustnessRow r = row(i, RobustnessStatus.values()[rnd.nextInt(RobustnessStatus.values().length)], rnd.nextDouble() * 100);
            parts.append(r); // a second write of the same sample replaces the first, as a retried task does
            written.put(i, r);
        }
        var read = parts.latest();
        assertEquals(written.keySet(), read.keySet(), "seed " + seed);
        for (var e : written.entrySet()) {
            RobustnessRow a = e.getValue();
            RobustnessRow b = read.get(e.getKey());
            assertEquals(a.fields(), b.fields(), "seed " + seed);
        }
        assertEquals(0, parts.removeStrayTempFiles(), "seed " + seed);
    }

    @Test
    void aCorruptPartIsReportedWithItsName() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.append(row(4, RobustnessStatus.ROBUST, 1));
        Files.writeString(parts.file(5), "sample,label\n5,3\n");
        SparkRobustnessException e = assertThrows(SparkRobustnessException.class, parts::latest);
        assertTrue(e.getMessage().contains("sample-5.csv is corrupted"), e.getMessage());
    }

    @Test
    void aPartWrittenBeforeTheMarginColumnsIsStillRead() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        RobustnessRow r = row(5, RobustnessStatus.ROBUST, 2);
        Files.createDirectories(parts.file(5).getParent());
        Files.writeString(parts.file(5), RobustnessRow.csvLine(RobustnessRow.LEGACY_HEADER) + RobustnessRow.csvLine(r.legacyFields()));
        assertEquals(r.fields(), parts.latest().get(5).fields());
    }

    @Test
    void aPartOfAnotherSampleIsRefused() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.append(row(4, RobustnessStatus.ROBUST, 1));
        Files.copy(parts.file(4), parts.file(6));
        SparkRobustnessException e = assertThrows(SparkRobustnessException.class, parts::latest);
        assertTrue(e.getMessage().contains("expected one row of sample 6"), e.getMessage());
    }

    @Test
    void strayTemporaryFilesAreRemovedAndIgnored() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.append(row(1, RobustnessStatus.TIMEOUT, 60));
        Files.writeString(parts.dir().resolve(".sample-2.csv.1234.tmp"), "half a ro");
        assertEquals(Set.of(1), parts.done());
        assertEquals(1, parts.removeStrayTempFiles());
    }

    @Test
    void badOptionsAreOneLineAndExitTwoWithoutStartingSpark() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, SparkRobustness.run(new String[] {"--network", "mnist-wk17a", "--eps", "-1", "--out", tmp.toString()}, LocalSpark.QUIET, e));
        assertEquals("certus-spark: error: --eps must be a finite number >= 0, got -1.0", err.toString(StandardCharsets.UTF_8).strip());
        err.reset();
        assertEquals(2, SparkRobustness.run(new String[] {"--network", "mnist-wk17a", "--eps", "0.1", "--samples", "5:99999", "--out",
                tmp.toString()}, LocalSpark.QUIET, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("certus-spark: error: --samples 5:99999 is out of range"), err.toString());
        err.reset();
        assertEquals(2, SparkRobustness.run(new String[] {"--eps", "0.1"}, LocalSpark.QUIET, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("certus-spark: error: Missing required options"), err.toString());
    }
}
