package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.certus.api.Load;
import org.certus.nn.Network;
import org.certus.nn.io.OnnxImporter;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code certus vnnlib} on bundled ACAS Xu instances with known answers (fast ones: a few seconds each on
 * 2 cores), the result file's format, the re-check of counterexamples, and the bad-input contract.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VnnlibCommandTest {
    /** Generous: these instances take seconds; a timeout would fail the test rather than pass it quietly. */
    private static final String TIMEOUT_S = "120";
    private static final Pattern PAIR = Pattern.compile("\\(([XY])_(\\d+) ([^()\\s]+)\\)");

    static Path suite;
    static VnncompExpected expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void extract() {
        suite = VnncompSuites.extract("acasxu");
        expected = VnncompExpected.read(suite.resolve("expected.csv"));
    }

    @AfterAll
    static void cleanUp() {
        VnncompSuites.delete(suite);
    }

    static Path net(int a, int b) {
        return suite.resolve("onnx/ACASXU_run2a_" + a + "_" + b + "_batch_2000.onnx");
    }

    static Path prop(int p) {
        return suite.resolve("vnnlib/prop_" + p + ".vnnlib");
    }

    @ParameterizedTest(name = "net {0}-{1} prop_{2}")
    @CsvSource({"1,1,1", "1,2,1", "1,2,2", "2,1,2", "1,7,3", "1,7,4"})
    void knownAnswers(int a, int b, int p) throws IOException {
        Path out = tmp.resolve("result.txt");
        CliRun r = CliRun.of("vnnlib", "--onnx", net(a, b).toString(), "--vnnlib", prop(p).toString(), "--timeout", TIMEOUT_S,
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        String want = expected.answer("onnx/" + net(a, b).getFileName(), "vnnlib/" + prop(p).getFileName()).orElseThrow();
        assertEquals(want, r.lastOutLine(), () -> "WRONG or unsolved answer\n" + r);
        String text = Files.readString(out);
        assertEquals(want, text.lines().findFirst().orElseThrow());
        if (want.equals("sat")) {
            checkWitness(text, net(a, b), prop(p));
        } else {
            assertEquals("unsat\n", text);
        }
    }

    /** The result file's witness: X and Y in order, Y the network's outputs at X, and X, Y violate the property exactly. */
    static void checkWitness(String text, Path onnx, Path vnnlib) throws IOException {
        Network net = OnnxImporter.read(onnx);
        VnnlibProperty property = VnnlibParser.parse(vnnlib, net.inputSize(), net.outputSize());
        assertTrue(text.startsWith("sat\n((X_0 "), text);
        assertTrue(text.endsWith("))\n"), text);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        Matcher m = PAIR.matcher(text);
        while (m.find()) {
            List<Double> target = m.group(1).equals("X") ? xs : ys;
            assertEquals(target.size(), Integer.parseInt(m.group(2)), "pairs in order");
            target.add(Double.parseDouble(m.group(3)));
        }
        assertEquals(net.inputSize(), xs.size());
        assertEquals(net.outputSize(), ys.size());
        assertEquals(net.inputSize() + net.outputSize() + 1, text.lines().count(), "one pair a line");
        double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        assertArrayEquals(net.evaluate(x), y, 0.0, "Y must be the exact outputs at X (full precision)");
        assertTrue(property.isCounterexample(x, y, 0.0, 0.0), "the witness violates the property");
    }

    @RepeatedTest(5)
    void plainDecimalsRoundTrip(RepetitionInfo rep) {
        long seed = 20_261_124L + rep.getCurrentRepetition();
        Random rnd = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            double v = switch (i % 3) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
                default -> rnd.nextInt(2000) / 64.0 - 10;
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            String s = VnnlibResult.plain(v);
            assertTrue(s.matches("-?[0-9]+\\.[0-9]+"), () -> "seed " + seed + ": " + s);
            assertEquals(v, Double.parseDouble(s), () -> "seed " + seed + ": " + s);
        }
    }

    /**
     * The time limit counts from the command's start, loading included: a start 10 s ago leaves nothing of a 5 s
     * limit (an instance the search decides in well under that), and a start just now leaves the search its time.
     */
    @Test
    void timeLimitCountsLoading() {
        Network net = Load.instanceNetwork(net(1, 1).toString());
        VnnlibProperty property = Load.property(prop(1), net);
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        VnnlibResult spent = VnnlibSolver.solveWithin(net, property, Duration.ofSeconds(5),
                System.nanoTime() - TimeUnit.SECONDS.toNanos(10), quiet, true);
        assertEquals(VnnlibResult.TIMEOUT, spent.word());
        assertEquals(0, spent.nodes());
        VnnlibResult left = VnnlibSolver.solveWithin(net, property, Duration.ofSeconds(60),
                System.nanoTime() - TimeUnit.SECONDS.toNanos(1), quiet, true);
        assertEquals(expected.answer("onnx/" + net(1, 1).getFileName(), "vnnlib/" + prop(1).getFileName()).orElseThrow(),
                left.word());
    }

    @Test
    void malformedVnnlibNamesLineAndColumn() throws IOException {
        Path bad = tmp.resolve("bad.vnnlib");
        Files.writeString(bad, "(declare-const X_0 Real)\n(assert (<= X_0 0.5)\n");
        Path out = tmp.resolve("r.txt");
        CliRun r = CliRun.of("vnnlib", "--onnx", net(1, 1).toString(), "--vnnlib", bad.toString(), "--out", out.toString());
        BadInputTest.assertOneLineError(r, bad.toString() + ":");
        assertTrue(r.errLines().get(0).matches(".*bad\\.vnnlib:\\d+:\\d+: .*"), r::toString);
        assertEquals("error\n", Files.readString(out));
        assertEquals("error", r.lastOutLine());
    }

    /**
     * prop_2 with X_0 <= 0.6 and X_0 > 0.6 added describes an empty set (unsat); reading '>' as '>=' once
     * answered sat at X_0 = 0.6. VNN-LIB 1.0 has no strict comparisons: refused, with line and column.
     */
    @Test
    void strictInequalityIsRefusedNotReadAsNonStrict() throws IOException {
        Path strict = tmp.resolve("prop_2_strict.vnnlib");
        String text = Files.readString(prop(2));
        Files.writeString(strict, text + "(assert (<= X_0 0.6))\n(assert (> X_0 0.6))\n");
        int line = (int) text.lines().count() + 2;
        Path out = tmp.resolve("r.txt");
        CliRun r = CliRun.of("vnnlib", "--onnx", net(1, 2).toString(), "--vnnlib", strict.toString(), "--out", out.toString());
        BadInputTest.assertOneLineError(r, strict + ":" + line + ":9: ", "strict inequality '>'");
        assertEquals("error\n", Files.readString(out));
    }

    @Test
    void propertyOver784InputsForAFiveInputNetwork() throws IOException {
        Path mnistLike = tmp.resolve("mnist_like.vnnlib");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 784; i++) {
            sb.append("(declare-const X_").append(i).append(" Real)\n");
        }
        for (int j = 0; j < 10; j++) {
            sb.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        for (int i = 0; i < 784; i++) {
            sb.append("(assert (>= X_").append(i).append(" 0.0))\n(assert (<= X_").append(i).append(" 1.0))\n");
        }
        sb.append("(assert (>= Y_1 Y_0))\n");
        Files.writeString(mnistLike, sb);
        Path out = tmp.resolve("r.txt");
        CliRun r = CliRun.of("vnnlib", "--onnx", net(1, 1).toString(), "--vnnlib", mnistLike.toString(), "--out", out.toString());
        BadInputTest.assertOneLineError(r, mnistLike.toString());
        assertEquals("error\n", Files.readString(out));
    }

    @Test
    void missingFiles() {
        String noNet = tmp.resolve("none.onnx").toString();
        String noProp = tmp.resolve("none.vnnlib").toString();
        BadInputTest.assertOneLineError(CliRun.of("vnnlib", "--onnx", noNet, "--vnnlib", prop(1).toString()), noNet);
        BadInputTest.assertOneLineError(CliRun.of("vnnlib", "--onnx", net(1, 1).toString(), "--vnnlib", noProp), noProp);
    }

    @Test
    void badTimeLimitUnderEitherName() {
        for (String name : new String[] {"--time-limit", "--timeout"}) {
            BadInputTest.assertOneLineError(CliRun.of("vnnlib", "--onnx", net(1, 1).toString(), "--vnnlib", prop(1).toString(),
                    name, "-3"), name + " must be a number of seconds > 0");
        }
    }

    @RepeatedTest(3)
    void float32PassAgreesWithDoubleToSinglePrecision(RepetitionInfo rep) {
        long seed = 7_000L + rep.getCurrentRepetition();
        Random rnd = new Random(seed);
        Network n = OnnxImporter.read(net(1 + rnd.nextInt(5), 1 + rnd.nextInt(9)));
        org.certus.nn.Float32Evaluation f = new org.certus.nn.Float32Evaluation(n);
        for (int k = 0; k < 200; k++) {
            double[] x = new double[n.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextDouble() - 0.5;
            }
            double[] y = n.evaluate(x);
            double[] y32 = f.evaluate(x);
            for (int j = 0; j < y.length; j++) {
                double tol = 1e-4 * (1 + Math.abs(y[j]));
                int jj = j;
                assertEquals(y[j], y32[j], tol, () -> "seed " + seed + ", output " + jj);
            }
        }
    }
}
