package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code certus vnncomp} on the VNN-COMP suites that may not be redistributed, read from
 * {@code -Dcertus.benchmarks=DIR} (the VNN-COMP layout: {@code DIR/<suite>/instances.csv},
 * {@code DIR/expected.csv}); skipped without it. A short sample: the first {@value #PER_NETWORK} instances of
 * each network at a twentieth of their timeouts. Unsolved is allowed here; a wrong answer or an error row is not.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class VnncompExternalSuitesTest {
    static final int PER_NETWORK = 2;
    static final String TIMEOUT_SCALE = "0.05";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"mnist_fc", "rl_benchmarks"})
    void sampleHasNoWrongAnswersAndNoErrors(String suite) throws IOException {
        checkSample(suite);
    }

    /** About 35 s on 2 cores: with -Pslow. */
    @ParameterizedTest
    @ValueSource(strings = {"reach_prob_density"})
    @Tag("slow")
    void slowSampleHasNoWrongAnswersAndNoErrors(String suite) throws IOException {
        checkSample(suite);
    }

    private void checkSample(String suite) throws IOException {
        String dir = System.getProperty("certus.benchmarks");
        // Surefire passes the unresolved "${certus.benchmarks}" through when the property is not given.
        assumeTrue(dir != null && !dir.isBlank() && !dir.startsWith("${"),
                "skipped: set -Dcertus.benchmarks=DIR (a VNN-COMP benchmarks folder) to run the " + suite + " sample");
        Path root = Path.of(dir).resolve(suite);
        assumeTrue(Files.isRegularFile(root.resolve("instances.csv")), "skipped: no " + root.resolve("instances.csv"));
        Path expected = Path.of(dir).resolve("expected.csv");
        assumeTrue(Files.isRegularFile(expected), "skipped: no " + expected);

        Map<String, Integer> perNet = new HashMap<>();
        StringBuilder sample = new StringBuilder();
        for (VnncompInstances.Instance i : VnncompInstances.read(root.resolve("instances.csv"))) {
            if (perNet.merge(i.onnx(), 1, Integer::sum) <= PER_NETWORK) {
                sample.append(i.onnx()).append(',').append(i.vnnlib()).append(',')
                        .append(String.format(Locale.ROOT, "%s", i.timeoutSeconds())).append('\n');
            }
        }
        Path csv = tmp.resolve(suite + "-sample.csv");
        Files.writeString(csv, sample);
        Path results = tmp.resolve(suite + "-results.csv");
        CliRun r = CliRun.of("vnncomp", "--instances", csv.toString(), "--root", root.toString(), "--results", results.toString(),
                "--timeout-scale", TIMEOUT_SCALE, "--expected", expected.toString(), "-q");
        assertNotEquals(VnncompCommand.EXIT_WRONG_ANSWER, r.exitCode(), () -> "WRONG answers\n" + r);
        assertEquals(0, r.exitCode(), r::toString);
        List<VnncompResults.Row> rows = List.copyOf(VnncompResults.read(results).values());
        assertEquals(sample.toString().lines().count(), rows.size(), r::toString);
        for (VnncompResults.Row row : rows) {
            assertNotEquals("error", row.result(), () -> row + "\n" + r);
        }
    }
}
