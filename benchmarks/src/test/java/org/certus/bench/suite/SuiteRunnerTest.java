package org.certus.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.certus.cli.VnncompResults;
import org.certus.cli.VnncompSummary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The suite runner on the first bundled ACAS Xu instance, with a tiny runtime summary beside it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SuiteRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void bundledAcasXuTableBesideTheToolsNumbers() throws IOException {
        Path summary = tmp.resolve("runtime_summary.csv");
        Files.writeString(summary, "benchmark,year,tool,solved,instances_listed,wrong_vs_consensus,median_runtime_solved_s,max_runtime_solved_s\n"
                + "acasxu,2023,sometool,186,186,0,1.13,62.28\nmnist_fc,2023,sometool,59,90,0,2.40,165.26\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SuiteRunner.run(new String[] {"--only", "1", "--quiet", "--results", tmp.resolve("r.csv").toString(),
                "--runtime-summary", summary.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, () -> o + err);
        assertTrue(o.contains("acasxu: 186 instances listed, 1 run"), o);
        assertTrue(o.contains("VNN-COMP 2023 sometool"), o);
        assertTrue(o.lines().filter(l -> l.contains("sometool")).count() == 1, "only the benchmark's own rows\n" + o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("Certus (") && l.matches(".*\\s1\\s+0\\s+1\\s+0\\s+1\\s.*")), o);
    }

    @Test
    void tableWithNoSolvedInstanceSaysNotApplicableNotNaN() {
        VnncompSummary s = VnncompSummary.of(List.of(
                new VnncompResults.Row("onnx/n.onnx", "vnnlib/p.vnnlib", "timeout", 300.0, 7)), null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SuiteRunner.printTable("mnist_fc", 90, s, false, null, new PrintStream(out, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertFalse(o.contains("NaN"), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("Certus (") && l.matches(".*\\s0\\s+0\\s+0\\s+-\\s+1\\s+n/a\\s+n/a\\s+300\\.0$")), o);
        assertTrue(o.contains("timeout 1, unknown 0, error 0; median over all run 300.00 s"), o);
    }

    @Test
    void unknownOptionIsBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SuiteRunner.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--bogus'"));
    }
}
