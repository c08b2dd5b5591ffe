package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The column-by-column forward passes ({@link Dense#forward}, {@link Float32Evaluation}'s dense maps) give
 * bit for bit what one dot product per output gives (bias first in double, last in float32; inputs in
 * ascending order): counterexample re-checks must not change with the loop order. Networks have exact
 * zero weights and zero inputs (the skipped cases) and negative zeros.
 */
class ForwardPassOrderTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void columnOrderMatchesRowDotProducts(long seed) {
        Random rnd = new Random(seed);
        int depth = 1 + rnd.nextInt(4);
        List<Dense> dense = new ArrayList<>();
        List<Operation> layers = new ArrayList<>();
        int width = 1 + rnd.nextInt(60);
        int inputs = width;
        for (int k = 0; k < depth; k++) {
            int next = 1 + rnd.nextInt(60);
            double[] w = new double[width * next];
            for (int i = 0; i < w.length; i++) {
                // Some exact zeros (dropped from sparse rows) and float32-exact values as in ONNX files.
                w[i] = rnd.nextInt(5) == 0 ? 0.0 : (float) (rnd.nextGaussian() / Math.sqrt(width));
            }
            double[] b = new double[next];
            for (int i = 0; i < next; i++) {
                b[i] = (float) (0.1 * rnd.nextGaussian());
            }
            Dense d = new Dense(width, next, w, b);
            dense.add(d);
            layers.add(d);
            if (k + 1 < depth) {
                layers.add(new Relu());
            }
            width = next;
        }
        Network net = new Network("order-" + seed, Shape.flat(inputs), InputDomain.uniform(inputs, -1, 1), layers);
        Float32Evaluation f32 = new Float32Evaluation(net);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                int kind = rnd.nextInt(6);
                x[i] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : rnd.nextDouble() * 2 - 1;
            }
            double[] y = net.evaluate(x);
            double[] yRef = rowWiseDouble(dense, x);
            double[] y32 = f32.evaluate(x);
            double[] y32Ref = rowWiseFloat(dense, x);
            for (int j = 0; j < y.length; j++) {
                assertTrue(y[j] == yRef[j], "seed " + seed + " output " + j + ": double " + y[j] + " vs " + yRef[j]);
                assertTrue(y32[j] == y32Ref[j], "seed " + seed + " output " + j + ": float32 " + y32[j] + " vs " + y32Ref[j]);
            }
        }
    }

    private static double[] rowWiseDouble(List<Dense> layers, double[] x) {
        double[] v = x;
        for (int k = 0; k < layers.size(); k++) {
            Dense d = layers.get(k);
            double[] o = new double[d.outputSize()];
            for (int r = 0; r < o.length; r++) {
                double s = d.bias()[r];
                for (int c = 0; c < d.inputSize(); c++) {
                    s += d.weight(r, c) * v[c];
                }
                o[r] = k + 1 < layers.size() ? Math.max(s, 0.0) : s;
            }
            v = o;
        }
        return v;
    }

    private static double[] rowWiseFloat(List<Dense> layers, double[] x) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = (float) x[i];
        }
        for (int k = 0; k < layers.size(); k++) {
            Dense d = layers.get(k);
            float[] o = new float[d.outputSize()];
            for (int r = 0; r < o.length; r++) {
                float s = 0f;
                for (int c = 0; c < d.inputSize(); c++) {
                    s += (float) d.weight(r, c) * v[c];
                }
                s = s + (float) d.bias()[r];
                o[r] = k + 1 < layers.size() ? (s > 0 ? s : 0f) : s;
            }
            v = o;
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
