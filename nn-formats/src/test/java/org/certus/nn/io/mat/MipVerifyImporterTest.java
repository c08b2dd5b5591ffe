package org.certus.nn.io.mat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/**
 * Imports random MIPVerify-style networks written by the test itself and checks them against an
 * independent reference written directly in MIPVerify's NHWC layout (HWC images, (h, w, in, out)
 * filters, TensorFlow SAME padding, channel-last flatten, (in, out) linear weights). The reference
 * shares no code with the importer or the IR, so it guards every layout conversion.
 */
class MipVerifyImporterTest {
    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 80);
    }

    // ---- reference implementation in HWC layout -------------------------------------------------

    /** An HWC image: data[(y * w + x) * c + ch]. */
    record Hwc(int h, int w, int c, double[] data) {
        double at(int y, int x, int ch) {
            return data[(y * w + x) * c + ch];
        }
    }

    interface RefLayer {
        Hwc apply(Hwc in);
    }

    static int tfSamePadBefore(int in, int k, int s) {
        int out = (in + s - 1) / s;
        int total = Math.max((out - 1) * s + k - in, 0);
        return total / 2;
    }

    /** filter[y][x][in][out]; padding: "same", "valid", or explicit symmetric int p. */
    static RefLayer refConv(double[][][][] f, double[] bias, int stride, String padding) {
        return in -> {
            int kH = f.length, kW = f[0].length, cin = f[0][0].length, cout = f[0][0][0].length;
            int padT, padL, outH, outW;
            if (padding.equals("same")) {
                padT = tfSamePadBefore(in.h(), kH, stride);
                padL = tfSamePadBefore(in.w(), kW, stride);
                outH = (in.h() + stride - 1) / stride;
                outW = (in.w() + stride - 1) / stride;
            } else {
                int p = padding.equals("valid") ? 0 : Integer.parseInt(padding);
                padT = p;
                padL = p;
                outH = (in.h() + 2 * p - kH) / stride + 1;
                outW = (in.w() + 2 * p - kW) / stride + 1;
            }
            double[] out = new double[outH * outW * cout];
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int o = 0; o < cout; o++) {
                        double s = bias[o];
                        for (int ky = 0; ky < kH; ky++) {
                            for (int kx = 0; kx < kW; kx++) {
                                int y = oy * stride + ky - padT, x = ox * stride + kx - padL;
                                if (y < 0 || y >= in.h() || x < 0 || x >= in.w()) {
                                    continue;
                                }
                                for (int i = 0; i < cin; i++) {
                                    s += f[ky][kx][i][o] * in.at(y, x, i);
                                }
                            }
                        }
                        out[(oy * outW + ox) * cout + o] = s;
                    }
                }
            }
            return new Hwc(outH, outW, cout, out);
        };
    }

    static RefLayer refMaxPool(int size) {
        return in -> {
            int outH = in.h() / size, outW = in.w() / size;
            double[] out = new double[outH * outW * in.c()];
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int ch = 0; ch < in.c(); ch++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int y = oy * size; y < oy * size + size; y++) {
                            for (int x = ox * size; x < ox * size + size; x++) {
                                m = Math.max(m, in.at(y, x, ch));
                            }
                        }
                        out[(oy * outW + ox) * in.c() + ch] = m;
                    }
                }
            }
            return new Hwc(outH, outW, in.c(), out);
        };
    }

    static RefLayer refRelu() {
        return in -> {
            double[] out = in.data().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(0, out[i]);
            }
            return new Hwc(in.h(), in.w(), in.c(), out);
        };
    }

    static RefLayer refNormalize(double[] mean, double[] std) {
        return in -> {
            double[] out = in.data().clone();
            for (int i = 0; i < out.length; i++) {
                int ch = i % in.c();
                out[i] = (out[i] - mean[ch]) / std[ch];
            }
            return new Hwc(in.h(), in.w(), in.c(), out);
        };
    }

    /** HWC storage read row-major is exactly TensorFlow's NHWC flatten. */
    static RefLayer refFlatten() {
        return in -> new Hwc(1, 1, in.data().length, in.data());
    }

    /** w[in][out], y = x W + b. */
    static RefLayer refLinear(double[][] w, double[] b) {
        return in -> {
            double[] out = b.clone();
            for (int o = 0; o < out.length; o++) {
                for (int i = 0; i < w.length; i++) {
                    out[o] += in.data()[i] * w[i][o];
                }
            }
            return new Hwc(1, 1, out.length, out);
        };
    }

    // ---- random MIPVerify networks -----------------------------------------------------------------

    static Matrix toMat(double[][][][] f) {
        Matrix m = Mat5.newMatrix(new int[] {f.length, f[0].length, f[0][0].length, f[0][0][0].length});
        for (int y = 0; y < f.length; y++) {
            for (int x = 0; x < f[0].length; x++) {
                for (int i = 0; i < f[0][0].length; i++) {
                    for (int o = 0; o < f[0][0][0].length; o++) {
                        m.setDouble(new int[] {y, x, i, o}, f[y][x][i][o]);
                    }
                }
            }
        }
        return m;
    }

    static Matrix toMat(double[][] w) {
        Matrix m = Mat5.newMatrix(w.length, w[0].length);
        for (int i = 0; i < w.length; i++) {
            for (int o = 0; o < w[0].length; o++) {
                m.setDouble(i, o, w[i][o]);
            }
        }
        return m;
    }

    static Matrix row(double[] v) {
        Matrix m = Mat5.newMatrix(1, v.length);
        for (int i = 0; i < v.length; i++) {
            m.setDouble(0, i, v[i]);
        }
        return m;
    }

    static double[] gaussian(Random rnd, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
        return v;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void importedNetworkMatchesNhwcReference(long seed) throws IOException {
        Random rnd = new Random(seed);
        int h = 4 + rnd.nextInt(6), w = 4 + rnd.nextInt(6), c = 1 + rnd.nextInt(3);
        MatFile mat = Mat5.newMatFile();
        List<RefLayer> ref = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        int curH = h, curW = w, curC = c;

        if (rnd.nextBoolean()) {
            double[] mean = gaussian(rnd, c, 0.3), std = new double[c];
            for (int i = 0; i < c; i++) {
                std[i] = 0.2 + rnd.nextDouble();
            }
            ref.add(refNormalize(mean, std));
            layers.add("{\"type\":\"normalize\",\"mean\":" + json(mean) + ",\"std\":" + json(std) + "}");
        }
        int convs = 1 + rnd.nextInt(2);
        for (int k = 0; k < convs; k++) {
            int kh = 1 + rnd.nextInt(4), kw = 1 + rnd.nextInt(4), out = 1 + rnd.nextInt(3), stride = 1 + rnd.nextInt(2);
            String padding = switch (rnd.nextInt(3)) {
                case 0 -> "same";
                case 1 -> "valid";
                default -> String.valueOf(rnd.nextInt(2));
            };
            int p = padding.equals("same") ? -1 : padding.equals("valid") ? 0 : Integer.parseInt(padding);
            if (p >= 0 && (kh > curH + 2 * p || kw > curW + 2 * p)) {
                padding = "same";
                p = -1;
            }
            double[][][][] f = new double[kh][kw][curC][out];
            for (double[][][] a : f) {
                for (double[][] b : a) {
                    for (double[] d : b) {
                        System.arraycopy(gaussian(rnd, out, 1.0 / Math.sqrt(kh * kw * curC)), 0, d, 0, out);
                    }
                }
            }
            double[] bias = gaussian(rnd, out, 0.1);
            String name = "conv" + (k + 1);
            mat.addArray(name + "/weight", toMat(f));
            mat.addArray(name + "/bias", row(bias));
            ref.add(refConv(f, bias, stride, padding));
            ref.add(refRelu());
            String padJson = p >= 0 && !padding.equals("valid") ? padding : "\"" + padding + "\"";
            String strideJson = stride == 1 && rnd.nextBoolean() ? "" : ",\"stride\":" + stride;
            layers.add("{\"type\":\"conv2d\",\"name\":\"" + name + "\"" + strideJson + ",\"padding\":" + padJson + "}");
            layers.add("{\"type\":\"relu\"}");
            if (padding.equals("same")) {
                curH = (curH + stride - 1) / stride;
                curW = (curW + stride - 1) / stride;
            } else {
                curH = (curH + 2 * p - kh) / stride + 1;
                curW = (curW + 2 * p - kw) / stride + 1;
            }
            curC = out;
        }
        if (curH >= 2 && curW >= 2 && rnd.nextBoolean()) {
            ref.add(refMaxPool(2));
            layers.add("{\"type\":\"maxpool\",\"size\":2,\"stride\":2}");
            curH /= 2;
            curW /= 2;
        }
        ref.add(refFlatten());
        layers.add("{\"type\":\"flatten\"}");
        int n = curH * curW * curC, hidden = 1 + rnd.nextInt(6), outputs = 1 + rnd.nextInt(4);
        double[][] w1 = new double[n][hidden], w2 = new double[hidden][outputs];
        for (double[] r : w1) {
            System.arraycopy(gaussian(rnd, hidden, 1.0 / Math.sqrt(n)), 0, r, 0, hidden);
        }
        for (double[] r : w2) {
            System.arraycopy(gaussian(rnd, outputs, 1.0 / Math.sqrt(hidden)), 0, r, 0, outputs);
        }
        double[] b1 = gaussian(rnd, hidden, 0.1), b2 = gaussian(rnd, outputs, 0.1);
        mat.addArray("fc1/weight", toMat(w1));
        mat.addArray("fc1/bias", row(b1));
        mat.addArray("logits/weight", toMat(w2));
        mat.addArray("logits/bias", row(b2));
        ref.add(refLinear(w1, b1));
        ref.add(refRelu());
        ref.add(refLinear(w2, b2));
        layers.add("{\"type\":\"linear\",\"name\":\"fc1\"}");
        layers.add("{\"type\":\"relu\"}");
        layers.add("{\"type\":\"linear\",\"name\":\"logits\"}");

        Path matFile = dir.resolve("net.mat");
        Mat5.writeToFile(mat, matFile.toFile());
        Path json = dir.resolve("net.json");
        Files.writeString(json, "{\"input\":[" + h + "," + w + "," + c + "],\"layers\":[" + String.join(",\n", layers) + "]}");

        Network net = MipVerifyImporter.read(matFile, json);
        assertEquals(outputs, net.outputSize(), "seed=" + seed);
        assertEquals(layers.size(), net.layerCount(), "seed=" + seed + ": one IR layer per JSON layer");
        for (int t = 0; t < 4; t++) {
            double[] hwc = new double[h * w * c];
            for (int i = 0; i < hwc.length; i++) {
                hwc[i] = rnd.nextDouble();
            }
            Hwc v = new Hwc(h, w, c, hwc);
            for (RefLayer l : ref) {
                v = l.apply(v);
            }
            double[] chw = new double[hwc.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        chw[(ch * h + y) * w + x] = hwc[(y * w + x) * c + ch];
                    }
                }
            }
            assertArrayEquals(chw, MipVerifyImporter.hwcToChw(hwc, h, w, c), 0.0);
            double[] y = net.evaluate(chw);
            for (int j = 0; j < outputs; j++) {
                assertEquals(v.data()[j], y[j], 1e-9 * (1 + Math.abs(y[j])), "seed=" + seed + " output " + j + "\n" + net.describe());
            }
        }
    }

    static String json(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? "," : "").append(v[i]);
        }
        return sb.append(']').toString();
    }

    // ---- errors and details --------------------------------------------------------------------

    /** A valid one-conv network: 1-channel 4x4 input, 2x2 conv to 2 channels (stored as given), linear to 3. */
    Path[] small(Matrix convWeight, String layersJson) throws IOException {
        MatFile mat = Mat5.newMatFile();
        mat.addArray("conv1/weight", convWeight);
        mat.addArray("conv1/bias", row(new double[] {0.5, -0.5}));
        double[][] w = new double[32][3];
        w[0][0] = 1;
        mat.addArray("fc/weight", toMat(w));
        mat.addArray("fc/bias", Mat5.newMatrix(3, 1)); // a column vector works as well as a row
        Path m = dir.resolve("small.mat");
        Mat5.writeToFile(mat, m.toFile());
        Path j = dir.resolve("small.json");
        Files.writeString(j, "{\"input\":[4,4,1],\n \"layers\":" + layersJson + "}");
        return new Path[] {m, j};
    }

    static final String SMALL_LAYERS = "[{\"type\":\"conv2d\",\"name\":\"conv1\"},{\"type\":\"relu\"},{\"type\":\"flatten\"},{\"type\":\"linear\",\"name\":\"fc\"}]";

    static Matrix filter2x2x1x2() {
        double[][][][] f = new double[2][2][1][2];
        f[0][0][0][0] = 1; // output channel 0 reads the top-left tap
        f[1][1][0][1] = 2; // output channel 1 reads the bottom-right tap, doubled
        return toMat(f);
    }

    @Test
    void knownValuesAndChwInput() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS);
        Network net = MipVerifyImporter.read(p[0], p[1]);
        assertEquals("small", net.name());
        assertEquals("[1x4x4]", net.inputShape().toString());
        assertEquals(0.0, net.inputDomain().lower(0));
        assertEquals(1.0, net.inputDomain().upper(15));
        double[] x = new double[16];
        x[0] = 0.25;
        // SAME on 4x4 with k=2, s=1 pads only bottom/right: out(0,0) channel 0 = x(0,0) + 0.5 = 0.75;
        // NHWC flatten puts (0,0,ch0) at index 0; fc picks index 0 into output 0.
        assertArrayEquals(new double[] {0.75, 0, 0}, net.evaluate(x), 1e-15);
    }

    @Test
    void trailingSingletonDimensionsDroppedByMatFilesAreRestored() throws IOException {
        MatFile mat = Mat5.newMatFile();
        Matrix f = Mat5.newMatrix(2, 2); // (h, w) standing for (h, w, 1, 1)
        f.setDouble(0, 1, 3.0);
        mat.addArray("c/weight", f);
        mat.addArray("c/bias", Mat5.newScalar(0.0));
        Path m = dir.resolve("s.mat");
        Mat5.writeToFile(mat, m.toFile());
        Path j = dir.resolve("s.json");
        Files.writeString(j, "{\"input\":[2,2,1],\"layers\":[{\"type\":\"conv2d\",\"name\":\"c\",\"padding\":\"valid\"}]}");
        // out = 3 * x(y=0, x=1) = 3 * x[1] in CHW
        assertArrayEquals(new double[] {6.0}, MipVerifyImporter.read(m, j).evaluate(new double[] {0, 2, 0, 0}), 0.0);
    }

    NetworkException error(Path mat, Path json, String... parts) {
        NetworkException e = assertThrows(NetworkException.class, () -> MipVerifyImporter.read(mat, json));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
        return e;
    }

    @Test
    void missingKeyIsNamed() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS.replace("\"fc\"", "\"fc2\""));
        error(p[0], p[1], "small.mat", "no variable 'fc2/weight'", "layer 3", "fc/weight");
    }

    @Test
    void wrongWeightDimensions() throws IOException {
        Path[] p = small(toMat(new double[2][2][3][2]), SMALL_LAYERS);
        error(p[0], p[1], "small.json", "layer 0", "conv1/weight", "[2x2x3x2]", "in = 1");
        Path[] q = small(filter2x2x1x2(), SMALL_LAYERS.replace("{\"type\":\"relu\"},", "{\"type\":\"maxpool\",\"size\":2},"));
        error(q[0], q[1], "layer 3", "fc/weight", "[32x3]", "in = 8");
    }

    @Test
    void linearOnImageNeedsFlatten() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS.replace("{\"type\":\"flatten\"},", ""));
        error(p[0], p[1], "layer 2", "flat input", "flatten");
    }

    @Test
    void unknownLayerTypeAndKey() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS.replace("relu", "tanh"));
        error(p[0], p[1], "layer 1", "unknown layer type \"tanh\"");
        Path[] q = small(filter2x2x1x2(), SMALL_LAYERS.replace("\"name\":\"conv1\"", "\"name\":\"conv1\",\"strides\":2"));
        error(q[0], q[1], "layer 0", "unknown key \"strides\"");
        Path[] r = small(filter2x2x1x2(), SMALL_LAYERS.replace("\"name\":\"conv1\"", "\"name\":\"conv1\",\"padding\":\"full\""));
        error(r[0], r[1], "padding must be");
    }

    @Test
    void missingFiles() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS);
        error(dir.resolve("absent.mat"), p[1], "MAT file not found", "absent.mat");
        error(p[0], dir.resolve("absent.json"), "JSON file not found", "absent.json");
    }

    @Test
    void notAMatFile() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS);
        Path junk = dir.resolve("junk.mat");
        Files.writeString(junk, "this is not a MAT-file");
        error(junk, p[1], "junk.mat", "MAT-file");
    }

    @Test
    void badJsonReportsLineAndColumn() throws IOException {
        Path[] p = small(filter2x2x1x2(), SMALL_LAYERS);
        Files.writeString(p[1], "{\"input\":[4,4,1],\n \"layers\": [{\"type\":\"relu\",}]}");
        error(p[0], p[1], "small.json:2:", "invalid JSON");
        Files.writeString(p[1], "{\"layers\":[{\"type\":\"relu\"}]}");
        error(p[0], p[1], "missing \"input\"");
        Files.writeString(p[1], "{\"input\":[4,4],\"layers\":[{\"type\":\"relu\"}]}");
        error(p[0], p[1], "\"input\" must be");
    }

    @Test
    void nonFiniteWeightIsNamed() throws IOException {
        double[][][][] f = new double[2][2][1][2];
        f[1][0][0][1] = Double.NaN;
        Path[] p = small(toMat(f), SMALL_LAYERS);
        error(p[0], p[1], "conv1/weight", "non-finite");
    }
}
