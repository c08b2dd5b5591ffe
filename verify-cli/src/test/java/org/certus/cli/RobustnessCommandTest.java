package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SummaryFile;
import org.certus.nn.Logits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * End-to-end tests of {@code certus robustness} on the bundled mnist-wk17a, whose first samples
 * verify in about a second each (sample 8 has an adversarial example at eps 0.1).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RobustnessCommandTest {
    /** Generous for these samples (about a second each); keeps a regression from hanging the build. */
    static final String TIME_LIMIT = "60";
    /** How far an example on the ball's rounded boundary may exceed eps in L∞ (the library's re-check allows as much). */
    static final double BALL_TOLERANCE = 1e-9;

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().collect(Collectors.toList());
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Certus.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] robustness(Path out, String samples, String... extra) {
        List<String> a = new ArrayList<>(List.of("robustness", "--network", "mnist-wk17a", "--samples", samples, "--eps", "0.1",
                "--time-limit", TIME_LIMIT, "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    static List<String> dataLines(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(String.join(",", RobustnessRow.HEADER), lines.get(0));
        return lines.subList(1, lines.size());
    }

    static Map<Integer, RobustnessStatus> statuses(Path out) throws IOException {
        Map<Integer, RobustnessStatus> m = new HashMap<>();
        for (RobustnessRow r : SummaryFile.readAll(out.resolve("summary.csv"))) {
            m.put(r.sample(), r.status());
        }
        return m;
    }

    /** Every sample of first..last exactly once, in whole rows. */
    static void assertEachSampleOnce(Path out, int first, int last) throws IOException {
        List<Integer> samples = dataLines(out).stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).sorted().toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(first, last).boxed().toList(), samples);
    }

    @Test
    void endToEndOnTheFirstTenSamples() throws IOException {
        Path out = tmp.resolve("run");
        Result r = run(robustness(out, "0:9"));
        assertEquals(0, r.code(), r.err());
        assertEachSampleOnce(out, 0, 9);
        List<RobustnessRow> rows = SummaryFile.readAll(out.resolve("summary.csv"));
        int misclassified = 0, vulnerable = 0, robust = 0;
        for (RobustnessRow row : rows) {
            assertEquals("mnist-wk17a", row.network());
            assertEquals("0.1", row.eps());
            switch (row.status()) {
                case ROBUST -> {
                    robust++;
                    assertEquals(row.label(), row.predicted());
                    assertEquals(0.1, row.distortionLower());
                    assertTrue(Double.isNaN(row.distortionUpper()));
                }
                case VULNERABLE -> {
                    vulnerable++;
                    assertTrue(row.distortionUpper() <= 0.1 + RobustnessCommandTest.BALL_TOLERANCE, "distance " + row.distortionUpper());
                    assertExample(out, row);
                }
                case MISCLASSIFIED -> {
                    misclassified++;
                    assertNotEquals(row.label(), row.predicted());
                }
                default -> throw new AssertionError("implausible status for a quick sample: " + row);
            }
        }
        assertEquals(RobustnessStatus.VULNERABLE, statuses(out).get(8), "sample 8 has a known adversarial example at eps 0.1");
        // Only vulnerable samples get example files.
        try (Stream<Path> files = Files.list(out.resolve("examples"))) {
            assertEquals(2L * vulnerable, files.count());
        }

        // The report (file and the last lines of stdout) agrees with the rows.
        List<String> lines = r.outLines();
        String report = Files.readString(out.resolve("report.md"));
        List<String> tableInReport = report.lines().filter(l -> l.startsWith("|")).toList();
        List<String> tableOut = lines.subList(lines.size() - tableInReport.size(), lines.size());
        assertEquals(tableInReport.subList(0, tableInReport.size() - 2), tableOut.subList(0, tableOut.size() - 2),
                "same table apart from the wall time and options lines' ordering");
        assertTrue(tableOut.get(tableOut.size() - 1).startsWith("| options |"));
        assertTrue(report.contains("| samples | 10 |"), report);
        assertTrue(report.contains("| proven robust | " + robust + " ("), report);
        assertTrue(report.contains("| vulnerable | " + vulnerable + " ("), report);
        assertTrue(report.contains("| clean errors (misclassified) | " + misclassified + " ("), report);
        int low = misclassified + vulnerable;
        assertTrue(report.contains("| adversarial error, lower bound | " + String.format(java.util.Locale.ROOT, "%.2f%%", low * 10.0)
                + " (" + low + "/10) |"), report);
        assertTrue(report.contains("| adversarial error, upper bound | " + String.format(java.util.Locale.ROOT, "%.2f%%", low * 10.0)
                + " (" + low + "/10) |"), report);
        // Without a terminal: one line per sample on stderr.
        assertEquals(10, r.err().lines().filter(l -> l.startsWith("sample ")).count(), r.err());
    }

    /** The example files of a vulnerable row: JSON consistent with itself and the row, PNG of three panels. */
    static void assertExample(Path out, RobustnessRow row) throws IOException {
        JsonNode j = new ObjectMapper().readTree(out.resolve("examples/sample-" + row.sample() + ".json").toFile());
        assertEquals(row.label(), j.get("label").asInt());
        int advPred = j.get("adversarial_prediction").asInt();
        assertNotEquals(row.label(), advPred);
        double[] input = toArray(j.get("input"));
        double[] pert = toArray(j.get("perturbation"));
        assertEquals(784, input.length);
        double dist = 0;
        for (double p : pert) {
            dist = Math.max(dist, Math.abs(p));
        }
        assertEquals(row.distortionUpper(), dist, 1e-12);
        assertEquals(row.distortionUpper(), j.get("linf_distance").asDouble(), 0.0);
        double[] advLogits = toArray(j.get("adversarial_logits"));
        assertEquals(advPred, Logits.argmax(advLogits));
        assertEquals(10, toArray(j.get("clean_logits")).length);
        // The picture's layout and caption are pinned down by the library's RobustnessEvaluationTest.
        BufferedImage img = ImageIO.read(out.resolve("examples/sample-" + row.sample() + ".png").toFile());
        assertTrue(img.getWidth() > 3 * 28 && img.getHeight() > 28, "three panels side by side: " + img.getWidth() + "x" + img.getHeight());
    }

    /** The oracle of the worst objective: the best target's output minus the best non-target's. */
    static double adversarialMargin(double[] y, int[] targets, int classes) {
        Set<Integer> t = Arrays.stream(targets).boxed().collect(Collectors.toSet());
        double best = Arrays.stream(targets).mapToDouble(k -> y[k]).max().orElseThrow();
        return best - IntStream.range(0, classes).filter(k -> !t.contains(k)).mapToDouble(k -> y[k]).max().orElseThrow();
    }

    static double[] toArray(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    @Test
    void resumeSolvesOnlyTheMissingSamplesAndCutsAPartialLastLine() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, run(robustness(out, "0:4")).code());
        assertEquals(5, dataLines(out).size());
        // What a kill in the middle of a write could leave behind: a line without its newline.
        Files.writeString(out.resolve("summary.csv"), "5,1,1,rob", StandardOpenOption.APPEND);
        Result r = run(robustness(out, "0:9"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("removed a partial last line"), r.err());
        assertTrue(r.out().contains("(5 to solve, 5 already in"), r.out());
        assertEquals(10, dataLines(out).size(), "only five new rows");
        assertEachSampleOnce(out, 0, 9);
        assertTrue(Files.readString(out.resolve("summary.csv")).endsWith("\n"));

        // Nothing left to do: no new rows, same report.
        Result again = run(robustness(out, "0:9"));
        assertEquals(0, again.code(), again.err());
        assertEquals(10, dataLines(out).size());
        assertTrue(again.out().contains("| samples | 10 |"));
    }

    @Test
    void rerunAlwaysAppendsAndTheLastRowWins() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, run(robustness(out, "7:8")).code());
        Result r = run(robustness(out, "8:8", "--rerun", "always"));
        assertEquals(0, r.code(), r.err());
        assertEquals(3, dataLines(out).size(), "rows are appended, never rewritten");
        assertEquals(2, SummaryFile.readAll(out.resolve("summary.csv")).size());
        assertTrue(r.out().contains("| samples | 1 |"), r.out());
        assertTrue(r.out().contains("| vulnerable | 1 ("), r.out());
        // --rerun timeouts has nothing to do here: no timeouts.
        Result t = run(robustness(out, "7:8", "--rerun", "timeouts"));
        assertTrue(t.out().contains("(0 to solve, 2 already in"), t.out());
        assertEquals(3, dataLines(out).size());
    }

    @Test
    void aCorruptedSummaryIsRefusedAndLeftUntouched() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Path summary = out.resolve("summary.csv");
        String header = String.join(",", RobustnessRow.HEADER) + "\n";
        String good = "0,7,7,robust,0.1,,0.883,1,mnist-wk17a,mnist,0.1,inf,linf,untargeted,0.0,60.0,feasible,sound\n";
        for (String content : List.of(header + good + "1,2,2,robust,0.1\n" + good,
                header + "x,2,2,robust,0.1,,0.883,1,mnist-wk17a,mnist,0.1,inf,linf,untargeted,0.0,60.0,feasible,sound\n",
                header + "1,2,2,splendid,0.1,,0.883,1,mnist-wk17a,mnist,0.1,inf,linf,untargeted,0.0,60.0,feasible,sound\n",
                "sample,label\n" + good)) {
            Files.writeString(summary, content);
            Result r = run(robustness(out, "0:2"));
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("certus: error: ") && r.err().contains("is corrupted at line ")
                    && r.err().contains("move it away"), r.err());
            assertEquals(content, Files.readString(summary), "never overwritten");
        }
    }

    @Test
    void aResumeWithAnotherInputRangeIsRefused() throws IOException {
        Path out = tmp.resolve("ranged");
        assertEquals(0, run(robustness(out, "0:0", "--input-range", "0:1")).code());
        String before = Files.readString(out.resolve("summary.csv"));
        assertTrue(dataLines(out).get(0).contains(",linf in 0:1,"), before);
        for (String[] other : new String[][] {{"--input-range", "0.05:0.95"}, {}}) {
            Result r = run(robustness(out, "0:1", other));
            assertEquals(2, r.code(), String.join(" ", other));
            assertTrue(r.err().contains("another question"), r.err());
            assertEquals(before, Files.readString(out.resolve("summary.csv")));
        }
        assertEquals(0, run(robustness(out, "0:1", "--input-range", "0:1")).code(), "the same range resumes");
        assertEquals(2, dataLines(out).size());
    }

    @Test
    void aSummaryOfAnotherQuestionIsRefused() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, run(robustness(out, "0:0")).code());
        String before = Files.readString(out.resolve("summary.csv"));
        Result r = run("robustness", "--network", "mnist-wk17a", "--samples", "0:1", "--eps", "0.05", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("another question"), r.err());
        assertEquals(before, Files.readString(out.resolve("summary.csv")));
    }

    @Test
    void aSecondRunIntoALockedFolderIsRefused() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("run"));
        try (FileChannel ch = FileChannel.open(out.resolve("summary.csv"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            Result r = run(robustness(out, "0:1"));
            assertEquals(2, r.code());
            assertTrue(r.err().startsWith("certus: error: " + out.resolve("summary.csv") + ": another certus robustness run is writing to this file"), r.err());
            assertEquals(0, Files.size(out.resolve("summary.csv")), "the other run's file is left alone");
        }
        assertEquals(0, run(robustness(out, "0:0")).code(), "free again once the other run ends");
        try (var files = Files.list(out)) {
            assertEquals(List.of("report.md", "summary.csv"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no lock file or other debris is left behind");
        }
    }

    @Test
    void targetedAttackOnlyCountsTheTargetLabel() throws IOException {
        Path out = tmp.resolve("run");
        Result r = run(robustness(out, "0:9", "--target", "3"));
        assertEquals(0, r.code(), r.err());
        assertEachSampleOnce(out, 0, 9);
        for (RobustnessRow row : SummaryFile.readAll(out.resolve("summary.csv"))) {
            assertEquals("3", row.target());
            assertTrue(row.status() == RobustnessStatus.ROBUST || row.status() == RobustnessStatus.VULNERABLE
                    || row.status() == RobustnessStatus.MISCLASSIFIED, row.toString());
            if (row.status() == RobustnessStatus.VULNERABLE) {
                JsonNode j = new ObjectMapper().readTree(out.resolve("examples/sample-" + row.sample() + ".json").toFile());
                assertEquals(3, j.get("adversarial_prediction").asInt(), "a targeted example reaches the target");
            }
        }
    }

    @Test
    void invertedTargetExcludesTheTargetLabel() throws IOException {
        Path untargeted = tmp.resolve("u");
        Path inverted = tmp.resolve("i");
        assertEquals(0, run(robustness(untargeted, "5:9")).code());
        Result r = run(robustness(inverted, "5:9", "--target", "3", "--invert-target"));
        assertEquals(0, r.code(), r.err());
        Map<Integer, RobustnessStatus> u = statuses(untargeted);
        for (RobustnessRow row : SummaryFile.readAll(inverted.resolve("summary.csv"))) {
            assertEquals("all-but:3", row.target());
            if (row.status() == RobustnessStatus.VULNERABLE) {
                JsonNode j = new ObjectMapper().readTree(inverted.resolve("examples/sample-" + row.sample() + ".json").toFile());
                assertNotEquals(3, j.get("adversarial_prediction").asInt());
                assertEquals(RobustnessStatus.VULNERABLE, u.get(row.sample()), "fewer targets cannot make a robust sample vulnerable");
            }
            if (u.get(row.sample()) == RobustnessStatus.ROBUST) {
                assertEquals(RobustnessStatus.ROBUST, row.status(), "a subset of targets of a robust sample stays robust");
            }
        }
    }

    static Stream<List<String>> badOptions() {
        return Stream.of(List.of("--eps", "-0.1"), List.of("--eps", "NaN"), List.of("--network", "no-such-network"),
                List.of("--samples", "9990:10000"), List.of("--target", "10"), List.of("--target", "three"),
                List.of("--dataset", "cifar10"), List.of("--dataset", "imagenet"), List.of("--time-limit", "0"),
                List.of("--time-limit", "-5"), List.of("--threads", "0"), List.of("--norm", "2"), List.of("--norm", "1"), List.of("--norm", "l2"),
                List.of("--objective", "best"), List.of("--objective", "worst", "--norm", "1"),
                List.of("--objective", "worst", "--tolerance", "-1"), List.of("--objective", "closest", "--perturbation", "blur:3x3"),
                List.of("--perturbation", "blur"), List.of("--perturbation", "blur:0x0"), List.of("--perturbation", "blur:4x3"),
                List.of("--perturbation", "blur:4x4"), List.of("--perturbation", "blur:3x3"), List.of("--tolerance", "0.01"),
                List.of("--objective", "closest", "--tolerance", "0"), List.of("--sound", "--fast"), List.of("--tightening", "milp"),
                List.of("--neuron-time-limit", "0"),
                List.of("--rerun", "sometimes"), List.of("--out", "FILE"),
                // issue 30: absurd time limits (1e10 s overflowed into an immediate timeout), lenient numbers, empty paths
                List.of("--time-limit", "1e10"), List.of("--neuron-time-limit", "1e10"), List.of("--eps", "0.1f"),
                List.of("--eps", "0x1p-3"), List.of("--margin", "1d"), List.of("--time-limit", "Infinity"), List.of("--out", ""));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsGiveOneLineAndExitCode2(List<String> option) throws IOException {
        Path out = tmp.resolve("run");
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        List<String> args = new ArrayList<>(List.of("robustness", "--network", "mnist-wk17a", "--samples", "0:1", "--eps", "0.1",
                "--out", out.toString()));
        for (int i = 0; i < option.size(); i += 2) {
            if (option.get(i).equals("--sound")) { // flags without values
                args.addAll(option);
                break;
            }
            String value = option.get(i + 1).equals("FILE") ? file.toString() : option.get(i + 1);
            int at = args.indexOf(option.get(i));
            if (at >= 0) {
                args.set(at + 1, value);
            } else {
                args.add(option.get(i));
                args.add(value);
            }
        }
        Result r = run(args.toArray(String[]::new));
        assertEquals(2, r.code(), option + ": " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("certus: error: "), r.err());
        assertFalse(Files.exists(out), "nothing written for bad input");
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void notSupportedYetSaysSo() {
        for (String[] o : List.<String[]>of(new String[] {"--objective", "closest", "--perturbation", "blur:3x3"})) {
            Result r = run(robustness(tmp.resolve("x"), "0:0", o));
            assertTrue(r.err().contains("not supported yet"), r.err());
        }
        Result missingEps = run("robustness", "--network", "mnist-wk17a", "--samples", "0:0");
        assertEquals(2, missingEps.code());
        assertTrue(missingEps.err().contains("missing --eps"), missingEps.err());
    }
}
