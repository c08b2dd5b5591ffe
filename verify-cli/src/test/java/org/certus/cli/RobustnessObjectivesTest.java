package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SummaryFile;
import org.certus.nn.Logits;
import org.certus.bnb.Norm;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.BlurPerturbation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code certus robustness} beyond feasibility over the L∞ ball: the closest objective (L∞, L1, L2),
 * blurring, and sound versus fast mode, end to end on mnist-wk17a with short time limits.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RobustnessObjectivesTest {
    /** Short: the assertions hold for complete and incomplete (timeout) runs alike. */
    static final String SHORT_LIMIT = "8";

    @TempDir
    Path tmp;

    static final Network NET = NetworkLoader.load("mnist-wk17a");

    static RobustnessCommandTest.Result run(Path out, String samples, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("robustness", "--network", "mnist-wk17a", "--samples", samples,
                "--out", out.toString()));
        a.addAll(List.of(extra));
        return RobustnessCommandTest.run(a.toArray(String[]::new));
    }

    static JsonNode example(Path out, int sample) throws IOException {
        return new ObjectMapper().readTree(out.resolve("examples/sample-" + sample + ".json").toFile());
    }

    /** The re-check a reader of the example file can do: the input misclassifies in the precision the file claims. */
    static void assertAdversarial(JsonNode j, int label) {
        double[] input = RobustnessCommandTest.toArray(j.get("input"));
        boolean inDouble = j.get("valid_in_double").asBoolean();
        boolean inFloat32 = j.get("valid_in_float32").asBoolean();
        assertTrue(inDouble || inFloat32);
        assertEquals(inDouble, Logits.argmax(NET.evaluate(input)) != label);
        assertEquals(inFloat32, Logits.argmax(new Float32Evaluation(NET).evaluate(input)) != label);
        assertEquals(inDouble == inFloat32, !j.has("warning"));
        for (double v : input) {
            assertTrue(v >= 0 && v <= 1, "in the input domain");
        }
    }

    @ParameterizedTest(name = "norm {0}")
    @ValueSource(strings = {"inf"})
    void closestBoundsAreOrderedAndAttainedByTheExample(String norm) throws IOException {
        closestBoundsInNorm(norm);
    }

    /** About 16 s each; closest in L1 and L2 stays in the default run through ClosestBruteForceTest and ClosestL2Test. */
    @ParameterizedTest(name = "norm {0}")
    @ValueSource(strings = {"1", "2"})
    @Tag("slow")
    void closestBoundsInTheOtherNorms(String norm) throws IOException {
        closestBoundsInNorm(norm);
    }

    private void closestBoundsInNorm(String norm) throws IOException {
        Path out = tmp.resolve("closest-" + norm);
        RobustnessCommandTest.Result r = run(out, "0:1", "--objective", "closest", "--norm", norm, "--tolerance", "0.01",
                "--time-limit", SHORT_LIMIT);
        assertEquals(0, r.code(), r.err());
        List<RobustnessRow> rows = SummaryFile.readAll(out.resolve("summary.csv"));
        assertEquals(2, rows.size());
        Norm n = switch (norm) {
            case "inf" -> Norm.LINF;
            case "1" -> Norm.L1;
            default -> Norm.L2;
        };
        for (RobustnessRow row : rows) {
            assertEquals("closest", row.objective());
            assertEquals("sound", row.mode());
            assertEquals(norm, row.norm());
            assertEquals("inf", row.eps(), "no --eps: the whole input domain");
            // L2 may also end UNKNOWN: proven bounds with a gap the leaf LP relaxation could not close.
            assertTrue(row.status() == RobustnessStatus.VULNERABLE || row.status() == RobustnessStatus.TIMEOUT
                    || row.status() == RobustnessStatus.ROBUST || (n == Norm.L2 && row.status() == RobustnessStatus.UNKNOWN),
                    row.toString());
            assertTrue(row.distortionLower() >= 0, row.toString());
            assertTrue(row.distortionLower() <= row.distortionUpper() || Double.isNaN(row.distortionUpper()), row.toString());
            if (row.status() == RobustnessStatus.VULNERABLE) {
                assertTrue(row.distortionUpper() - row.distortionLower() <= 0.01, "complete: within the tolerance " + row);
            }
            if (Double.isFinite(row.distortionUpper())) {
                JsonNode j = example(out, row.sample());
                double[] input = RobustnessCommandTest.toArray(j.get("input"));
                double[] x = RobustnessCommandTest.toArray(j.get("perturbation"));
                for (int k = 0; k < x.length; k++) {
                    x[k] = input[k] - x[k];
                }
                assertEquals(row.distortionUpper(), n.distance(input, x), 1e-9, "the example attains the upper bound");
                assertEquals(row.distortionUpper(), j.get("distortion_upper").asDouble(), 0.0);
                if (n == Norm.L2) {
                    assertEquals(row.distortionUpper(), j.get("l2_distance").asDouble(), 1e-9);
                }
                assertEquals(row.distortionLower(), j.get("distortion_lower").asDouble(), 0.0);
                assertAdversarial(j, row.label());
            } else {
                assertFalse(Files.exists(out.resolve("examples/sample-" + row.sample() + ".json")));
            }
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| mean minimum distortion, lower bound |"), report);
        assertTrue(report.contains("| mean minimum distortion, upper bound |"), report);
    }

    @Test
    void closestWithinABallIsCappedByEps() throws IOException {
        Path out = tmp.resolve("ball");
        // sample 8 has an example at L∞ 0.1; within a ball of 0.1 the minimum is at most 0.1
        long t0 = System.nanoTime();
        RobustnessCommandTest.Result r = run(out, "8:8", "--objective", "closest", "--eps", "0.1", "--tolerance", "0.01",
                "--time-limit", "15");
        assertEquals(0, r.code(), r.err());
        // The time limit is honoured even when leaf LPs are large (they get the search's deadline).
        assertTrue((System.nanoTime() - t0) / 1e9 < 45, "took " + (System.nanoTime() - t0) / 1e9 + " s");
        RobustnessRow row = SummaryFile.readAll(out.resolve("summary.csv")).get(0);
        assertEquals("0.1", row.eps());
        assertTrue(Double.isFinite(row.distortionUpper()) && row.distortionUpper() <= 0.1 + RobustnessCommandTest.BALL_TOLERANCE, row.toString());
        assertTrue(row.distortionLower() <= row.distortionUpper(), row.toString());
    }

    @Test
    void rerunUnprovenRefinesOnlyClosestRowsWiderThanTheTolerance() throws IOException {
        Path out = tmp.resolve("refine");
        RobustnessCommandTest.Result first = run(out, "8:8", "--objective", "closest", "--eps", "0.1", "--tolerance", "0.05",
                "--time-limit", SHORT_LIMIT);
        assertEquals(0, first.code(), first.err());
        RobustnessRow coarse = SummaryFile.readAll(out.resolve("summary.csv")).get(0);
        assertEquals(RobustnessStatus.VULNERABLE, coarse.status(), coarse.toString());
        // Same tolerance: the row is proven to it, nothing to refine.
        RobustnessCommandTest.Result same = run(out, "8:8", "--objective", "closest", "--eps", "0.1", "--tolerance", "0.05",
                "--time-limit", SHORT_LIMIT, "--rerun", "unproven");
        assertTrue(same.out().contains("(0 to solve, 1 already in"), same.out());
        double gap = coarse.distortionUpper() - coarse.distortionLower();
        if (gap <= 1e-3) {
            return; // already finer than the refinement below would ask for
        }
        RobustnessCommandTest.Result finer = run(out, "8:8", "--objective", "closest", "--eps", "0.1", "--tolerance", "1e-3",
                "--time-limit", SHORT_LIMIT, "--rerun", "unproven");
        assertEquals(0, finer.code(), finer.err());
        assertTrue(finer.out().contains("(1 to solve, 0 already in"), finer.out());
        List<RobustnessRow> rows = SummaryFile.readAll(out.resolve("summary.csv"));
        RobustnessRow refined = rows.get(rows.size() - 1);
        assertTrue(refined.distortionUpper() - refined.distortionLower() <= 1e-3 || refined.status() == RobustnessStatus.TIMEOUT,
                refined.toString());
        assertTrue(refined.distortionLower() <= coarse.distortionUpper() && coarse.distortionLower() <= refined.distortionUpper(),
                "both runs bound the same minimum: " + coarse + " / " + refined);
    }

    /** About 20 s; blurring stays in the default run through BlurBruteForceTest and RobustnessWorstTest. */
    @Test
    @Tag("slow")
    void blurOnTheFirstSamplesNeverBlamesTheIdentityKernel() throws IOException {
        Path out = tmp.resolve("blur");
        RobustnessCommandTest.Result r = run(out, "0:2", "--perturbation", "blur:3x3", "--time-limit", SHORT_LIMIT);
        assertEquals(0, r.code(), r.err());
        List<RobustnessRow> rows = SummaryFile.readAll(out.resolve("summary.csv"));
        assertEquals(3, rows.size());
        for (RobustnessRow row : rows) {
            assertEquals("blur:3x3", row.perturbation());
            assertEquals("none", row.eps());
            assertEquals(row.label(), row.predicted(), "samples 0..2 are classified correctly");
            assertTrue(Double.isNaN(row.distortionLower()), row.toString());
            assertNotEquals(RobustnessStatus.ERROR, row.status(), r.err());
            if (row.status() == RobustnessStatus.VULNERABLE) {
                JsonNode j = example(out, row.sample());
                double[] kernel = RobustnessCommandTest.toArray(j.get("blur_kernel"));
                assertEquals(9, kernel.length);
                double sum = 0;
                for (double v : kernel) {
                    assertTrue(v >= -1e-9 && v <= 1 + 1e-9);
                    sum += v;
                }
                assertEquals(1, sum, 1e-9);
                double[] input = RobustnessCommandTest.toArray(j.get("input"));
                double[] pert = RobustnessCommandTest.toArray(j.get("perturbation"));
                double[] x = new double[input.length];
                for (int k = 0; k < x.length; k++) {
                    x[k] = input[k] - pert[k];
                }
                assertArrayEquals(BlurPerturbation.blur(x, 1, 28, 28, kernel, 3), input, 1e-9, "the example is the blurred image");
                assertAdversarial(j, row.label());
            }
        }
    }

    @Test
    void fastAndSoundAgreeOnTheFirstTenSamples() throws IOException {
        Path sound = tmp.resolve("sound");
        Path fast = tmp.resolve("fast");
        assertEquals(0, run(sound, "0:9", "--eps", "0.1", "--sound", "--time-limit", "60").code());
        assertEquals(0, run(fast, "0:9", "--eps", "0.1", "--fast", "--time-limit", "60").code());
        Map<Integer, RobustnessStatus> s = SummaryFile.readAll(sound.resolve("summary.csv")).stream()
                .collect(Collectors.toMap(RobustnessRow::sample, RobustnessRow::status));
        List<RobustnessRow> fastRows = SummaryFile.readAll(fast.resolve("summary.csv"));
        for (RobustnessRow row : fastRows) {
            assertEquals("fast", row.mode());
            assertEquals(s.get(row.sample()), row.status(), "sample " + row.sample());
        }
        assertEquals(10, fastRows.size());
        // a folder holds one mode: resuming a sound run with --fast is another question
        RobustnessCommandTest.Result mixed = run(sound, "0:9", "--eps", "0.1", "--fast");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("another question"), mixed.err());
    }
}
