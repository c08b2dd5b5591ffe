package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.certus.nn.NetworkException;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad input ends in a NetworkException naming the file and the problem; nothing else escapes. */
class OnnxImporterBadInputTest {

    private static NetworkException fails(byte[] model, String source) {
        return assertThrows(NetworkException.class, () -> OnnxImporter.read(new ByteArrayInputStream(model), source));
    }

    private static void mentions(NetworkException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    /** input [1,4] → Gemm(4→3) → Relu → out; the Gemm weight can be replaced to break things. */
    private static OnnxGraphBuilder smallMlp(long seed) {
        return new OnnxGraphBuilder(seed, "x", 1, 4).randomInit("W", 3, 4).randomInit("B", 3)
                .node("Gemm", "fc1", new String[] {"x", "W", "B"}, "h", OnnxGraphBuilder.i("transB", 1));
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path f = dir.resolve("nope.onnx");
        NetworkException e = assertThrows(NetworkException.class, () -> OnnxImporter.read(f));
        mentions(e, "nope.onnx", "not found");
    }

    @Test
    void truncatedRealModel(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(OnnxTestSupport.resource(OnnxTestSupport.WK17A));
        Path f = dir.resolve("half.onnx");
        Files.write(f, Arrays.copyOf(full, full.length / 2));
        NetworkException e = assertThrows(NetworkException.class, () -> OnnxImporter.read(f));
        mentions(e, "half.onnx", "truncated");
    }

    @Test
    void truncatedGzip(@TempDir Path dir) throws Exception {
        var bos = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bos)) {
            gz.write(Files.readAllBytes(OnnxTestSupport.resource(OnnxTestSupport.RSL18A)));
        }
        byte[] b = bos.toByteArray();
        Path f = dir.resolve("cut.onnx.gz");
        Files.write(f, Arrays.copyOf(b, b.length / 3));
        mentions(assertThrows(NetworkException.class, () -> OnnxImporter.read(f)), "cut.onnx.gz");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void randomBytes(long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[1 + r.nextInt(4000)];
        r.nextBytes(b);
        try {
            OnnxImporter.read(new ByteArrayInputStream(b), "random-" + seed + ".onnx");
            throw new AssertionError("seed " + seed + ": random bytes imported without error");
        } catch (NetworkException e) {
            mentions(e, "random-" + seed + ".onnx");
        }
    }

    @Test
    void emptyFile() {
        mentions(fails(new byte[0], "empty.onnx"), "empty.onnx", "no graph");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Softmax", "LSTM", "Sigmoid"})
    void unsupportedOperator(String op) {
        byte[] m = smallMlp(1).node(op, "bad_node", new String[] {"h"}, "y").build("y", 1, 3);
        mentions(fails(m, "unsup.onnx"), "unsup.onnx", "bad_node", op, "not supported");
    }

    @Test
    void nanWeight() {
        double[] w = new double[12];
        w[5] = Double.NaN;
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 4).init("W", w, 3, 4).randomInit("B", 3)
                .node("Gemm", "fc1", new String[] {"x", "W", "B"}, "h", OnnxGraphBuilder.i("transB", 1))
                .node("Relu", "r", new String[] {"h"}, "y").build("y", 1, 3);
        mentions(fails(m, "nan.onnx"), "nan.onnx", "fc1", "Gemm", "non-finite");
    }

    @Test
    void gemmShapeMismatch() {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("W", 3, 5).randomInit("B", 3)
                .node("Gemm", "fc1", new String[] {"x", "W", "B"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(m, "mismatch.onnx"), "mismatch.onnx", "fc1", "Gemm", "shape mismatch");
    }

    @Test
    void groupedConvolution() {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 2, 5, 5).randomInit("W", 2, 1, 3, 3)
                .node("Conv", "conv_g2", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("group", 2)).build("y", 1, 2, 3, 3);
        mentions(fails(m, "group.onnx"), "group.onnx", "conv_g2", "Conv", "group=2");
    }

    @Test
    void dilatedConvolution() {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 1, 6, 6).randomInit("W", 1, 1, 2, 2)
                .node("Conv", "conv_d", new String[] {"x", "W"}, "y", OnnxGraphBuilder.ints("dilations", 2, 2)).build("y", 1, 1, 4, 4);
        mentions(fails(m, "dil.onnx"), "dil.onnx", "conv_d", "dilations");
    }

    @Test
    void ceilModePool() {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 1, 5, 5)
                .node("MaxPool", "mp", new String[] {"x"}, "y", OnnxGraphBuilder.ints("kernel_shape", 2, 2), OnnxGraphBuilder.ints("strides", 2, 2),
                        OnnxGraphBuilder.i("ceil_mode", 1))
                .build("y", 1, 1, 3, 3);
        mentions(fails(m, "ceil.onnx"), "ceil.onnx", "mp", "ceil_mode");
    }

    @Test
    void missingInitializer() {
        byte[] m = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("B", 3)
                .node("Gemm", "fc1", new String[] {"x", "W_missing", "B"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(m, "noinit.onnx"), "noinit.onnx", "fc1", "W_missing");
    }

    @Test
    void nonFloatInput() {
        byte[] m = new OnnxGraphBuilder(1, "x", TensorProto.DataType.INT64_VALUE, new long[] {1, 4}).randomInit("W", 3, 4)
                .node("Gemm", "fc1", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(m, "int.onnx"), "int.onnx", "INT64");
    }

    @Test
    void twoRealInputs() {
        OnnxGraphBuilder b = smallMlp(1);
        b.g.addInput(OnnxGraphBuilder.valueInfo("x2", TensorProto.DataType.FLOAT_VALUE, 1, 3));
        byte[] m = b.node("Add", "add", new String[] {"h", "x2"}, "y").build("y", 1, 3);
        mentions(fails(m, "two.onnx"), "two.onnx", "exactly one input");
    }

    @Test
    void twoOutputs() {
        OnnxGraphBuilder b = smallMlp(1).node("Relu", "r", new String[] {"h"}, "y");
        b.g.addOutput(OnnxGraphBuilder.valueInfo("h", TensorProto.DataType.FLOAT_VALUE, 1, 3));
        mentions(fails(b.build("y", 1, 3), "twoout.onnx"), "twoout.onnx", "exactly one output");
    }

    @Test
    void externalData() {
        OnnxGraphBuilder b = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("B", 3);
        b.g.addInitializer(TensorProto.newBuilder().setName("W").setDataType(1).addDims(3).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL));
        byte[] m = b.node("Gemm", "fc1", new String[] {"x", "W", "B"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(m, "ext.onnx"), "ext.onnx", "'W'", "EXTERNAL");
    }

    @Test
    void rawDataOfWrongLength() {
        OnnxGraphBuilder b = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("B", 3);
        b.g.addInitializer(TensorProto.newBuilder().setName("W").setDataType(1).addDims(3).addDims(4)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[40])));
        byte[] m = b.node("Gemm", "fc1", new String[] {"x", "W", "B"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(m, "raw.onnx"), "raw.onnx", "'W'", "raw_data");
    }

    @Test
    void mulOfTwoComputedValues() {
        byte[] m = smallMlp(1).node("Relu", "r", new String[] {"h"}, "a").node("Mul", "mul", new String[] {"a", "h"}, "y").build("y", 1, 3);
        mentions(fails(m, "mul.onnx"), "mul.onnx", "mul", "Mul", "not piecewise linear");
    }

    /** The ONNX checker refuses a second initializer of the same name; the importer let the last one win. */
    @Test
    void duplicateInitializerName() {
        byte[] m = smallMlp(1).randomInit("B", 3).node("Relu", "r", new String[] {"h"}, "y").build("y", 1, 3);
        mentions(fails(m, "dup.onnx"), "dup.onnx", "initializer 'B'", "twice");
    }

    @Test
    void irVersionZeroOrMissing() throws Exception {
        byte[] ok = smallMlp(1).node("Relu", "r", new String[] {"h"}, "y").build("y", 1, 3);
        ModelProto good = ModelProto.parseFrom(ok);
        mentions(fails(good.toBuilder().setIrVersion(0).build().toByteArray(), "ir0.onnx"), "ir0.onnx", "ir_version");
        mentions(fails(good.toBuilder().clearIrVersion().build().toByteArray(), "noir.onnx"), "noir.onnx", "ir_version");
        mentions(fails(good.toBuilder().setIrVersion(-3).build().toByteArray(), "neg.onnx"), "neg.onnx", "ir_version");
    }

    /** Attributes that no version of the operator has (Relu takes none): refused with the node named. */
    @Test
    void unknownAttributes() {
        byte[] relu = smallMlp(1).node("Relu", "act", new String[] {"h"}, "y", OnnxGraphBuilder.i("alpha", 1)).build("y", 1, 3);
        mentions(fails(relu, "relu.onnx"), "relu.onnx", "node 'act'", "Relu", "'alpha'");
        byte[] gemm = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("W", 3, 4)
                .node("Gemm", "fc", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("transB", 1), OnnxGraphBuilder.i("transC", 1))
                .build("y", 1, 3);
        mentions(fails(gemm, "gemm.onnx"), "gemm.onnx", "node 'fc'", "Gemm", "'transC'");
        byte[] twice = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("W", 3, 4)
                .node("Gemm", "fc", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("transB", 1), OnnxGraphBuilder.i("transB", 0))
                .build("y", 1, 3);
        mentions(fails(twice, "twice.onnx"), "twice.onnx", "node 'fc'", "'transB'", "twice");
        // opset 1's consumed_inputs is known to opset 1 only
        byte[] legacy = smallMlp(1).node("Relu", "act", new String[] {"h"}, "y", OnnxGraphBuilder.ints("consumed_inputs", 0))
                .build("y", 1, 3);
        mentions(fails(legacy, "legacy.onnx"), "legacy.onnx", "'consumed_inputs'");
    }

    /** A value produced twice (by two nodes, or by a node and an initializer) is not a graph the checker accepts. */
    @Test
    void valueDefinedTwice() {
        byte[] m = smallMlp(1).node("Relu", "r1", new String[] {"h"}, "y").node("Relu", "r2", new String[] {"h"}, "y").build("y", 1, 3);
        mentions(fails(m, "ssa.onnx"), "ssa.onnx", "'y'", "r2");
        byte[] shadow = smallMlp(1).node("Relu", "r", new String[] {"h"}, "W").build("W", 1, 3);
        mentions(fails(shadow, "shadow.onnx"), "shadow.onnx", "'W'", "node 'r'");
    }

    /** Devices and pipes are refused before reading: /dev/zero was read until the heap ran out, a FIFO blocks. */
    @Test
    void nonRegularFiles(@TempDir Path dir) throws Exception {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));
        mentions(assertThrows(NetworkException.class, () -> OnnxImporter.read(zero)), "/dev/zero", "not a regular file");
        mentions(assertThrows(NetworkException.class, () -> OnnxImporter.read(dir)), dir.toString(), "not a regular file");
        Path fifo = dir.resolve("pipe.onnx");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            mentions(assertThrows(NetworkException.class, () -> OnnxImporter.read(fifo)), "pipe.onnx", "not a regular file");
        }
    }

    /**
     * A 2 MB {@code .onnx.gz} that inflates beyond protobuf's 2 GiB limit (33 gzip members of 64 MiB of zeros each) ran
     * out of memory and advised more heap, which cannot help: refused, naming the limit, without inflating it in memory.
     */
    @Test
    void gzipInflatingBeyondTwoGiB(@TempDir Path dir) throws Exception {
        var member = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(member)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros);
            }
        }
        Path bomb = dir.resolve("bomb.onnx.gz");
        try (var out = Files.newOutputStream(bomb)) {
            for (int i = 0; i < 33; i++) {
                out.write(member.toByteArray());
            }
        }
        NetworkException e = assertThrows(NetworkException.class, () -> OnnxImporter.read(bomb));
        mentions(e, "bomb.onnx.gz", "2 GiB");
    }

    /** A dimension of 2^63 - 1 wrapped the element count around ("internal error: NegativeArraySizeException"). */
    @Test
    void hugeOrMismatchedTensorDimensions() {
        OnnxGraphBuilder huge = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("W", 4, 4);
        huge.g.getInitializerBuilder(0).setDims(1, Long.MAX_VALUE); // 4 (2^63 - 1) wraps to -4
        byte[] m = huge.node("Gemm", "fc", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 4);
        mentions(fails(m, "huge.onnx"), "huge.onnx", "initializer 'W'", "elements");
        OnnxGraphBuilder big = new OnnxGraphBuilder(1, "x", 1, 4).randomInit("W", 3, 4);
        big.g.getInitializerBuilder(0).setDims(0, 1L << 28);
        byte[] b = big.node("Gemm", "fc", new String[] {"x", "W"}, "y", OnnxGraphBuilder.i("transB", 1)).build("y", 1, 3);
        mentions(fails(b, "big.onnx"), "big.onnx", "initializer 'W'", "holds 12");
        assertEquals(6, OnnxTensor.size(new long[] {2, 3}));
        assertThrows(NetworkException.class, () -> OnnxTensor.size(new long[] {4, Long.MAX_VALUE}));
        assertThrows(NetworkException.class, () -> OnnxTensor.size(new long[] {1L << 32, 1L << 32}));
    }
}
