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
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Part files, rows and the report, without Spark. */
class PartFilesTest {
    @TempDir
    Path tmp;

    static SampleRow row(int i, String status, double time) {
        return new SampleRow(i, 7, 7, status, status.equals(SampleRow.ROBUST) ? 0.1 : Double.NaN,
                status.equals(SampleRow.VULNERABLE) ? 0.0987654321 : Double.NaN, time, 3, "mnist-wk17a", "mnist", "0.1", "inf", "linf",
                "untargeted", "0.0", "60.0");
    }

    @RepeatedTest(20)
    void rowsRoundTripThroughPartFiles(RepetitionInfo rep) throws IOException {
        long seed = 1000 + rep.getCurrentRepetition();
        Random rnd = new Random(seed);
        PartFiles parts = new PartFiles(tmp);
        int n = 1 + rnd.nextInt(10);
        java.util.Map<Integer, SampleRow> written = new java.util.TreeMap<>();
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(50);
            SampleRow r = row(i, SampleRow.STATUSES.get(rnd.nextInt(SampleRow.STATUSES.size())), rnd.nextDouble() * 100);
            parts.write(r); // a second write of the same sample replaces the first, as a retried task does
            written.put(i, r);
        }
        var read = parts.readAll();
        assertEquals(written.keySet(), read.keySet(), "seed " + seed);
        for (var e : written.entrySet()) {
            SampleRow a = e.getValue();
            SampleRow b = read.get(e.getKey());
            assertEquals(a.fields(), b.fields(), "seed " + seed);
        }
        assertEquals(0, parts.removeStrayTempFiles(), "seed " + seed);
    }

    @Test
    void aCorruptPartIsReportedWithItsName() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.write(row(4, SampleRow.ROBUST, 1));
        Files.writeString(parts.file(5), "sample,label\n5,3\n");
        SparkRobustnessException e = assertThrows(SparkRobustnessException.class, parts::readAll);
        assertTrue(e.getMessage().contains("sample-5.csv is corrupted"), e.getMessage());
    }

    @Test
    void aPartWrittenBeforeTheMarginColumnsIsStillRead() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        SampleRow r = row(5, SampleRow.ROBUST, 2);
        List<String> legacy = r.fields().subList(0, SampleRow.LEGACY_HEADER.size());
        Files.createDirectories(parts.file(5).getParent());
        Files.writeString(parts.file(5), SampleRow.csvLine(SampleRow.LEGACY_HEADER) + SampleRow.csvLine(legacy));
        assertEquals(r.fields(), parts.readAll().get(5).fields());
        assertEquals(SampleRow.HEADER.subList(0, SampleRow.LEGACY_HEADER.size()), SampleRow.LEGACY_HEADER);
        assertEquals(List.of("margin_lower", "margin_upper"), SampleRow.HEADER.subList(SampleRow.LEGACY_HEADER.size(), SampleRow.HEADER.size()));
    }

    @Test
    void aPartOfAnotherSampleIsRefused() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.write(row(4, SampleRow.ROBUST, 1));
        Files.copy(parts.file(4), parts.file(6));
        SparkRobustnessException e = assertThrows(SparkRobustnessException.class, parts::readAll);
        assertTrue(e.getMessage().contains("expected one row of sample 6"), e.getMessage());
    }

    @Test
    void strayTemporaryFilesAreRemovedAndIgnored() throws IOException {
        PartFiles parts = new PartFiles(tmp);
        parts.write(row(1, SampleRow.TIMEOUT, 60));
        Files.writeString(parts.dir().resolve(".sample-2.csv.1234.tmp"), "half a ro");
        assertEquals(Set.of(1), parts.done());
        assertEquals(1, parts.removeStrayTempFiles());
    }

    @Test
    void reportCountsAsCertusRobustness() {
        List<SampleRow> rows = List.of(row(0, SampleRow.ROBUST, 1), row(1, SampleRow.ROBUST, 3), row(2, SampleRow.VULNERABLE, 2),
                row(3, SampleRow.MISCLASSIFIED, 0.01), row(4, SampleRow.TIMEOUT, 60), row(5, SampleRow.ERROR, 0.5));
        SparkReport r = SparkReport.of(rows);
        assertEquals(2, r.lowerErrors());
        assertEquals(4, r.upperErrors());
        assertEquals(5, r.solved());
        assertEquals(2.0, r.medianSolvedSeconds(), 1e-12);
        assertEquals(66.5 / 5, r.meanSolvedSeconds(), 1e-12);
        List<String> t = r.table("opts", 9);
        assertTrue(t.contains("| adversarial error, lower bound | 33.33% (2/6) |"), t.toString());
        assertTrue(t.contains("| adversarial error, upper bound | 66.67% (4/6) |"), t.toString());
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
