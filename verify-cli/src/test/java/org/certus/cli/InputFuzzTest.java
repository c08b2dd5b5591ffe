package org.certus.cli;

import org.certus.api.Messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded fuzzing of {@code certus vnnlib} (and {@code certus info}) through the CLI's in-process entry point:
 * valid ONNX and VNN-LIB files — ACAS Xu networks with their properties, and mnist-wk17a (convolutions) with an
 * L∞ box around an MNIST image — are mutated (byte flips, truncation, huge or zero dimensions, NaN/∞ and huge
 * weights, missing initializers, unknown operators and attributes, cycles, deep chains and nesting, huge and
 * malformed numbers, strict comparisons, formulas whose normal form explodes) and every run must end either in
 * exit code 2 with exactly one {@code certus: error:} line on stderr, or in exit code 0 with an answer whose
 * counterexample (for {@code sat}) holds on an exact forward pass of the mutated files — never a stack trace,
 * an internal error or a hang (each case has its own time-out).
 *
 * <p>Replay: every case's seed is its name; {@code -Dcertus.fuzzSeed=S -Dcertus.fuzzCases=1} runs case S alone,
 * and {@code -Dcertus.fuzzCases=N} runs more.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InputFuzzTest {
    static final long BASE_SEED = Long.getLong("certus.fuzzSeed", 30_000L);
    static final int CASES = Integer.getInteger("certus.fuzzCases", 120);
    /** Per-run search limit: the answer does not matter, only that the run ends in one of the allowed ways. */
    static final String TIMEOUT_S = "1";
    private static final Set<String> ANSWERS = Set.of("sat", "unsat", "timeout", "unknown");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_0-9])-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final String[] ODD_NUMBERS = {"NaN", "inf", "-inf", "1e400", "-1e400", "1e-400", "1" + "0".repeat(400),
        "0x1p3", "1.5f", "-0", "+.5", "1e+308", "-1e308", "4.9e-324", "1..2", "--1", "1e", ".", "1/3"};
    private static final String[] ODD_OPERATORS = {"<", ">", "=", "!=", "le", "not", "=>", "(", "", "<==", ">= >="};
    private static final String[] ODD_OPS = {"Foo", "Softmax", "LSTM", "Relu6", "", "relu", "Loop", "If"};

    private record Base(String name, byte[] onnx, String vnnlib) {
    }

    private static final List<Base> BASES = new ArrayList<>();

    @TempDir
    Path tmp;

    private String mutation = "";

    static LongStream seeds() {
        return LongStream.range(BASE_SEED, BASE_SEED + CASES);
    }

    @BeforeAll
    static void loadBases() throws IOException {
        for (int[] np : new int[][] {{1, 1, 1}, {1, 2, 2}, {1, 9, 7}, {2, 1, 3}, {3, 3, 4}}) {
            BASES.add(new Base("acasxu " + np[0] + "-" + np[1] + " prop_" + np[2],
                    resource("/org/certus/benchmarks/acasxu/onnx/ACASXU_run2a_" + np[0] + "_" + np[1] + "_batch_2000.onnx"),
                    new String(resource("/org/certus/benchmarks/acasxu/vnnlib/prop_" + np[2] + ".vnnlib"), StandardCharsets.UTF_8)));
        }
        BASES.add(new Base("mnist-wk17a sample 0", resource("/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx"), mnistBox(0, 0.02)));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = InputFuzzTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** The L∞ box of radius eps around MNIST test image i (clipped to [0, 1]); unsafe: some other label scores at least the true one. */
    private static String mnistBox(int i, double eps) {
        Dataset mnist = Datasets.load("mnist");
        double[] x = mnist.image(i);
        int label = mnist.label(i);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < x.length; k++) {
            b.append("(declare-const X_").append(k).append(" Real)\n");
        }
        for (int j = 0; j < 10; j++) {
            b.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        for (int k = 0; k < x.length; k++) {
            b.append(String.format(Locale.ROOT, "(assert (>= X_%d %.6f))%n(assert (<= X_%d %.6f))%n", k, Math.max(0, x[k] - eps), k,
                    Math.min(1, x[k] + eps)));
        }
        b.append("(assert (or");
        for (int j = 0; j < 10; j++) {
            if (j != label) {
                b.append(" (and (>= Y_").append(j).append(" Y_").append(label).append("))");
            }
        }
        return b.append("))\n").toString();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedInputsEndInOneErrorLineOrACheckedAnswer(long seed) throws Exception {
        Random rnd = new Random(seed);
        // ACAS Xu mostly: small, so a run that parses costs at most the 1 s search; wk17a for the convolution paths.
        Base base = BASES.get(rnd.nextInt(6) == 0 ? BASES.size() - 1 : rnd.nextInt(BASES.size() - 1));
        byte[] onnx = base.onnx();
        String vnnlib = base.vnnlib();
        int which = rnd.nextInt(10);
        mutation = base.name() + ":";
        if (which < 5 || which == 9) {
            onnx = mutateOnnx(onnx, rnd);
        }
        if (which >= 5) {
            vnnlib = mutateVnnlib(vnnlib, rnd);
        }
        Path net = Files.write(tmp.resolve("net.onnx"), onnx);
        Path prop = Files.writeString(tmp.resolve("prop.vnnlib"), vnnlib);
        Path out = tmp.resolve("result.txt");

        CliRun info = CliRun.of("info", net.toString());
        if (info.exitCode() != 0) {
            assertOneErrorLine(seed, info);
        }
        CliRun r = CliRun.of("vnnlib", "--onnx", net.toString(), "--vnnlib", prop.toString(), "--timeout", TIMEOUT_S, "--out", out.toString());
        if (r.exitCode() == 2) {
            assertOneErrorLine(seed, r);
            assertEquals("error\n", Files.readString(out), () -> describe(seed, r));
            return;
        }
        assertEquals(0, r.exitCode(), () -> describe(seed, r));
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), () -> describe(seed, r));
        for (String line : r.errLines()) {
            assertTrue(line.startsWith("certus: warning: ") || line.startsWith("certus: notice: "), () -> describe(seed, r));
        }
        String answer = r.lastOutLine();
        assertTrue(ANSWERS.contains(answer), () -> describe(seed, r));
        String text = Files.readString(out);
        assertEquals(answer, text.lines().findFirst().orElse(""), () -> describe(seed, r));
        if (answer.equals("sat")) {
            try {
                VnnlibCommandTest.checkWitness(text, net, prop);
            } catch (AssertionError e) {
                fail(describe(seed, r) + "\ncounterexample does not check: " + e.getMessage(), e);
            }
        }
    }

    private void assertOneErrorLine(long seed, CliRun r) {
        assertEquals(2, r.exitCode(), () -> describe(seed, r));
        assertEquals(1, r.errLines().size(), () -> describe(seed, r));
        assertTrue(r.errLines().get(0).startsWith("certus: error: "), () -> describe(seed, r));
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), () -> describe(seed, r));
        assertTrue(r.err().chars().noneMatch(c -> Character.isISOControl(c) && c != '\n'), () -> "raw control character\n" + describe(seed, r));
    }

    private String describe(long seed, CliRun r) {
        return "seed " + seed + " (replay: -Dcertus.fuzzSeed=" + seed + " -Dcertus.fuzzCases=1), mutation " + mutation + "\n" + r;
    }

    // ---------------------------------------------------------------- ONNX

    private byte[] mutateOnnx(byte[] bytes, Random rnd) {
        int kind = rnd.nextInt(13);
        if (kind == 0) {
            return flipBytes(bytes, rnd, "onnx");
        }
        if (kind == 1) {
            int n = rnd.nextInt(bytes.length);
            note("onnx truncated to " + n + " bytes");
            return java.util.Arrays.copyOf(bytes, n);
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the base model parses", e);
        }
        ModelProto.Builder m = model.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        int inits = g.getInitializerCount();
        int nodes = g.getNodeCount();
        switch (kind) {
            case 2 -> {
                long[] huge = {0, -1, 1L << 31, 1L << 40, Long.MAX_VALUE, 3};
                long d = huge[rnd.nextInt(huge.length)];
                if (rnd.nextBoolean()) {
                    TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(inits));
                    int k = rnd.nextInt(Math.max(1, t.getDimsCount()));
                    if (t.getDimsCount() == 0) {
                        t.addDims(d);
                    } else {
                        t.setDims(k, d);
                    }
                    note("onnx initializer " + t.getName() + " dim " + k + " = " + d);
                } else {
                    var shape = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                    int k = rnd.nextInt(shape.getDimCount());
                    shape.getDimBuilder(k).setDimValue(d);
                    note("onnx input dim " + k + " = " + d);
                }
            }
            case 3 -> {
                float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};
                float v = odd[rnd.nextInt(odd.length)];
                setWeight(g, rnd, v);
            }
            case 4 -> {
                int i = rnd.nextInt(inits);
                String name = g.getInitializer(i).getName();
                g.removeInitializer(i);
                if (rnd.nextBoolean()) {
                    for (int k = g.getInputCount() - 1; k >= 0; k--) {
                        if (g.getInput(k).getName().equals(name)) {
                            g.removeInput(k);
                        }
                    }
                }
                note("onnx initializer " + name + " removed");
            }
            case 5 -> {
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes));
                if (rnd.nextInt(4) == 0) {
                    n.setDomain("com.microsoft");
                    note("onnx node " + n.getName() + " domain com.microsoft");
                } else {
                    String op = ODD_OPS[rnd.nextInt(ODD_OPS.length)];
                    note("onnx node " + n.getName() + " op " + n.getOpType() + " -> '" + op + "'");
                    n.setOpType(op);
                }
            }
            case 6 -> {
                int i = rnd.nextInt(nodes);
                int later = i + rnd.nextInt(nodes - i);
                NodeProto.Builder n = g.getNodeBuilder(i);
                n.setInput(0, g.getNode(later).getOutput(0));
                note("onnx cycle: node " + i + " reads node " + later + "'s output");
            }
            case 7 -> {
                // Deeper chains are valid too, but symbolic bounds cost the square of the depth and cannot be
                // interrupted inside one pass: 500 layers outlast the CLI's watchdog (a timeout after 20 s).
                int depth = new int[] {2, 10, 100}[rnd.nextInt(3)];
                int at = rnd.nextInt(nodes);
                NodeProto.Builder n = g.getNodeBuilder(at);
                String from = n.getOutput(0);
                String op = rnd.nextBoolean() ? "Relu" : "Identity";
                List<NodeProto> chain = new ArrayList<>();
                String prev = from + "_fuzz_in";
                n.setOutput(0, prev);
                for (int k = 0; k < depth; k++) {
                    String next = k == depth - 1 ? from : from + "_fuzz_" + k;
                    chain.add(NodeProto.newBuilder().setOpType(op).setName("fuzz_" + k).addInput(prev).addOutput(next).build());
                    prev = next;
                }
                for (int k = chain.size() - 1; k >= 0; k--) {
                    g.addNode(at + 1, chain.get(k));
                }
                note("onnx chain of " + depth + " " + op + " after node " + at);
            }
            case 8 -> {
                double scale = new double[] {1e30, 1e-30, -1e20, 1e38}[rnd.nextInt(4)];
                TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(inits));
                float[] w = floats(t);
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) (w[k] * scale);
                }
                setFloats(t, w);
                note("onnx initializer " + t.getName() + " scaled by " + scale);
            }
            case 9 -> {
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        m.setIrVersion(0);
                        note("onnx ir_version 0");
                    }
                    case 1 -> {
                        g.addInitializer(g.getInitializer(rnd.nextInt(inits)));
                        note("onnx duplicate initializer");
                    }
                    case 2 -> {
                        NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes));
                        n.addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(0.1f));
                        note("onnx attribute alpha on " + n.getOpType());
                    }
                    default -> {
                        int i = rnd.nextInt(nodes);
                        g.addNode(g.getNode(i));
                        note("onnx node " + i + " repeated at the end");
                    }
                }
            }
            case 10 -> {
                TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(inits));
                int type = new int[] {0, 7, 8, 11, 10, 16, 99}[rnd.nextInt(7)];
                t.setDataType(type);
                note("onnx initializer " + t.getName() + " data type " + type);
            }
            case 11 -> {
                List<NodeProto> ns = new ArrayList<>(g.getNodeList());
                java.util.Collections.shuffle(ns, rnd);
                g.clearNode().addAllNode(ns);
                note("onnx nodes shuffled");
            }
            default -> {
                TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(inits));
                ByteString raw = t.getRawData();
                int cut = raw.isEmpty() ? 0 : rnd.nextInt(raw.size());
                t.setRawData(raw.substring(0, cut));
                note("onnx initializer " + t.getName() + " raw data cut to " + cut + " bytes");
            }
        }
        return m.build().toByteArray();
    }

    private void setWeight(GraphProto.Builder g, Random rnd, float v) {
        TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
        float[] w = floats(t);
        if (w.length == 0) {
            return;
        }
        int k = rnd.nextInt(w.length);
        w[k] = v;
        setFloats(t, w);
        note("onnx initializer " + t.getName() + "[" + k + "] = " + v);
    }

    private static float[] floats(TensorProto.Builder t) {
        if (t.getFloatDataCount() > 0) {
            float[] w = new float[t.getFloatDataCount()];
            for (int k = 0; k < w.length; k++) {
                w[k] = t.getFloatData(k);
            }
            return w;
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] w = new float[b.remaining() / 4];
        b.asFloatBuffer().get(w);
        return w;
    }

    private static void setFloats(TensorProto.Builder t, float[] w) {
        if (t.getFloatDataCount() > 0) {
            t.clearFloatData();
            for (float v : w) {
                t.addFloatData(v);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(w);
        t.setRawData(ByteString.copyFrom(b));
    }

    private byte[] flipBytes(byte[] bytes, Random rnd, String what) {
        byte[] b = bytes.clone();
        int n = 1 + rnd.nextInt(8);
        StringBuilder at = new StringBuilder();
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(b.length);
            b[i] ^= (byte) (1 + rnd.nextInt(255));
            at.append(' ').append(i);
        }
        note(what + " bytes flipped at" + at);
        return b;
    }

    // ---------------------------------------------------------------- VNN-LIB

    private String mutateVnnlib(String text, Random rnd) {
        int kind = rnd.nextInt(11);
        switch (kind) {
            case 0 -> {
                return new String(flipBytes(text.getBytes(StandardCharsets.UTF_8), rnd, "vnnlib"), StandardCharsets.UTF_8);
            }
            case 1 -> {
                int n = rnd.nextInt(text.length());
                note("vnnlib truncated to " + n + " characters");
                return text.substring(0, n);
            }
            case 2 -> {
                List<int[]> spans = spans(NUMBER, text);
                int[] s = spans.get(rnd.nextInt(spans.size()));
                String odd = ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)];
                note("vnnlib number '" + text.substring(s[0], s[1]) + "' at " + s[0] + " -> '" + odd + "'");
                return text.substring(0, s[0]) + odd + text.substring(s[1]);
            }
            case 3 -> {
                int depth = new int[] {10, 499, 500, 5_000, 100_000}[rnd.nextInt(5)];
                int at = text.lastIndexOf("(assert ");
                int start = at + "(assert ".length();
                int end = text.lastIndexOf(')');
                note("vnnlib last assert nested " + depth + " levels deep");
                return text.substring(0, start) + "(and ".repeat(depth) + text.substring(start, end) + ")".repeat(depth) + text.substring(end);
            }
            case 4, 5 -> {
                List<String> lines = new ArrayList<>(text.lines().toList());
                int i = rnd.nextInt(lines.size());
                if (kind == 4) {
                    note("vnnlib line " + (i + 1) + " deleted");
                    lines.remove(i);
                } else {
                    note("vnnlib line " + (i + 1) + " repeated");
                    lines.add(i, lines.get(i));
                }
                return String.join("\n", lines) + "\n";
            }
            case 6 -> {
                List<int[]> spans = spans(Pattern.compile("<=|>="), text);
                int[] s = spans.get(rnd.nextInt(spans.size()));
                String odd = ODD_OPERATORS[rnd.nextInt(ODD_OPERATORS.length)];
                note("vnnlib operator at " + s[0] + " -> '" + odd + "'");
                return text.substring(0, s[0]) + odd + text.substring(s[1]);
            }
            case 7 -> {
                List<int[]> spans = spans(Pattern.compile("[XY]_[0-9]+"), text);
                int[] s = spans.get(rnd.nextInt(spans.size()));
                String odd = new String[] {"X_99999", "Y_5", "Z_0", "X_-1", "X_01", "Y_" + "9".repeat(30), "x_0"}[rnd.nextInt(7)];
                note("vnnlib variable '" + text.substring(s[0], s[1]) + "' -> '" + odd + "'");
                return text.substring(0, s[0]) + odd + text.substring(s[1]);
            }
            case 8 -> {
                // 2^n disjuncts, up to 4,096; beyond 10,000 the parser refuses the formula.
                int n = rnd.nextInt(4) == 0 ? 14 : 5 + rnd.nextInt(8);
                StringBuilder b = new StringBuilder(text);
                for (int k = 0; k < n; k++) {
                    b.append("(assert (or (<= Y_0 ").append(k).append(") (>= Y_1 ").append(-k).append(")))\n");
                }
                note("vnnlib " + n + " two-way disjunctions added");
                return b.toString();
            }
            case 9 -> {
                String odd = new String[] {"(assert (<= X_0 -1e9))", "(assert (>= X_0 1e9))", "(assert (<= Y_0 Y_0))", "(assert (and))",
                    "(assert (or))", "(assert)", "(declare-const X_0 Real)", "(declare-const Y_0 Int)", "(check-sat)", "((assert (<= X_0 1)))",
                    "(assert (<= (* X_0 X_1) 1))", "(assert (<= X_0 (+)))"}[rnd.nextInt(12)];
                note("vnnlib added '" + odd + "'");
                return text + odd + "\n";
            }
            default -> {
                String odd = new String[] {"\u0000", "\u0001\u0002", "\u001b[31m", "\uFEFF", "\u00e9", "\ud83d\ude00", "((((", "))))", ";",
                    "\"", "|X_0|", "#x1F"}[rnd.nextInt(12)];
                int at = rnd.nextInt(text.length());
                note("vnnlib inserted " + Messages.excerpt(odd) + " at " + at);
                return text.substring(0, at) + odd + text.substring(at);
            }
        }
    }

    private static List<int[]> spans(Pattern p, String text) {
        List<int[]> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }

    private void note(String what) {
        mutation += " " + what + ";";
    }
}
