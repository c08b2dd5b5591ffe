package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Soundness of interval and symbolic bounds on random small dense and conv networks: every sampled
 * activation lies within the bounds, symbolic bounds are never looser than interval ones, and with
 * random phase splits, every sampled point that satisfies the splits lies within the node's bounds.
 */
class BoundSoundnessTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    static Network randomNetwork(Random rnd) {
        List<Operation> layers = new ArrayList<>();
        boolean conv = rnd.nextBoolean();
        Shape in;
        int width;
        if (conv) {
            int c = 1 + rnd.nextInt(2), h = 4 + rnd.nextInt(3), w = 4 + rnd.nextInt(3);
            in = Shape.chw(c, h, w);
            int oc = 1 + rnd.nextInt(3), k = 2 + rnd.nextInt(2), s = 1 + rnd.nextInt(2), p = rnd.nextInt(2);
            Window2d win = Window2d.square(k, s, p);
            layers.add(new Conv2d(c, oc, win, gaussian(rnd, oc * c * k * k, 1.0 / k), gaussian(rnd, oc, 0.3)));
            layers.add(new Relu());
            layers.add(new Flatten(rnd.nextBoolean() ? FlattenOrder.NCHW : FlattenOrder.NHWC));
            width = oc * win.outHeight(h) * win.outWidth(w);
        } else {
            width = 2 + rnd.nextInt(5);
            in = Shape.flat(width);
        }
        int hidden = 1 + rnd.nextInt(3);
        for (int i = 0; i < hidden; i++) {
            int next = 2 + rnd.nextInt(6);
            layers.add(new Dense(width, next, gaussian(rnd, width * next, 1.0 / Math.sqrt(width)), gaussian(rnd, next, 0.3)));
            layers.add(new Relu());
            width = next;
        }
        int out = 2 + rnd.nextInt(3);
        layers.add(new Dense(width, out, gaussian(rnd, width * out, 1.0), gaussian(rnd, out, 0.3)));
        return new Network("random", in, InputDomain.uniform(in.size(), -1, 1), layers);
    }

    static double[] gaussian(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * scale;
        }
        return v;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsContainSampledActivations(long seed) {
        Random rnd = new Random(seed);
        Network net = randomNetwork(rnd);
        ReluChain chain = ReluChain.of(net);
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            double c = rnd.nextDouble() * 2 - 1, r = rnd.nextDouble() * 0.5;
            lo[i] = c - r;
            hi[i] = c + r;
        }
        NetworkBounds interval = new IntervalPropagator().propagate(chain, lo, hi);
        NetworkBounds symbolic = new SymbolicPropagator(rnd.nextBoolean()).propagate(chain, lo, hi);
        assertFalse(interval.infeasible(), "seed " + seed);
        for (int i = 0; i < interval.layerCount(); i++) {
            for (int j = 0; j < interval.lower(i).length; j++) {
                assertTrue(symbolic.lower(i)[j] >= interval.lower(i)[j] && symbolic.upper(i)[j] <= interval.upper(i)[j],
                        "seed " + seed + ": symbolic looser than interval at layer " + i + " neuron " + j);
            }
        }
        for (int s = 0; s < 200; s++) {
            double[] x = sample(rnd, lo, hi, s);
            double[][] z = chain.preActivations(x);
            // The chain is a rewriting of the network: outputs must agree with the network's own pass.
            double[] y = net.evaluate(x);
            for (int o = 0; o < y.length; o++) {
                assertTrue(Math.abs(y[o] - z[z.length - 1][o]) <= 1e-9 * (1 + Math.abs(y[o])), "seed " + seed + ": chain != network");
            }
            assertContains(seed, interval, z, "interval");
            assertContains(seed, symbolic, z, "symbolic");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void splitBoundsContainPointsSatisfyingTheSplits(long seed) {
        Random rnd = new Random(seed * 7919 + 1);
        Network net = randomNetwork(rnd);
        ReluChain chain = ReluChain.of(net);
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = -0.5 - rnd.nextDouble() * 0.5;
            hi[i] = 0.5 + rnd.nextDouble() * 0.5;
        }
        SymbolicPropagator sym = new SymbolicPropagator(false);
        NetworkBounds root = sym.propagate(chain, lo, hi);
        RandomSplits drawn = RandomSplits.draw(rnd, chain, 3);
        ReluSplits splits = drawn.splits();
        int firstLayer = drawn.firstLayer();
        NetworkBounds node = sym.propagate(chain, lo, hi, splits, root, firstLayer);
        NetworkBounds nodeInterval = new IntervalPropagator().propagate(chain, lo, hi, splits);
        int satisfied = 0;
        for (int s = 0; s < 400; s++) {
            double[] x = sample(rnd, lo, hi, s);
            double[][] z = chain.preActivations(x);
            if (!satisfies(splits, z)) {
                continue;
            }
            satisfied++;
            assertFalse(node.infeasible(), "seed " + seed + ": node declared empty but contains a point");
            assertFalse(nodeInterval.infeasible(), "seed " + seed + ": interval node declared empty but contains a point");
            assertContains(seed, node, z, "symbolic+splits");
            assertContains(seed, nodeInterval, z, "interval+splits");
        }
        // The output bound of the split node must also hold for the minimised objective.
        AffineMap firstOutput = AffineMap.identity(chain.outputSize()).selectRows(new int[] {0});
        LinearBounds lb = sym.minimize(chain, root, lo, hi, firstOutput);
        for (int s = 0; s < 100; s++) {
            double[] x = sample(rnd, lo, hi, s);
            assertTrue(chain.evaluate(x)[0] >= lb.lower()[0], "seed " + seed + ": minimize() bound violated");
        }
    }

    private static boolean satisfies(ReluSplits splits, double[][] z) {
        for (int i = 0; i < splits.layerCount(); i++) {
            for (int j = 0; j < z[i].length; j++) {
                byte p = splits.raw(i, j);
                if ((p > 0 && z[i][j] < 0) || (p < 0 && z[i][j] > 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    static double[] sample(Random rnd, double[] lo, double[] hi, int s) {
        double[] x = new double[lo.length];
        for (int i = 0; i < x.length; i++) {
            // Mix vertices (where bounds are often attained) with interior points.
            double t = s % 3 == 0 ? (rnd.nextBoolean() ? 0 : 1) : rnd.nextDouble();
            x[i] = lo[i] + t * (hi[i] - lo[i]);
        }
        return x;
    }

    private static void assertContains(long seed, NetworkBounds b, double[][] z, String what) {
        for (int i = 0; i < b.layerCount(); i++) {
            for (int j = 0; j < z[i].length; j++) {
                double v = z[i][j];
                assertTrue(v >= b.lower(i)[j] && v <= b.upper(i)[j],
                        "seed " + seed + ": " + what + " bounds [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "] miss value " + v
                                + " at layer " + i + " neuron " + j);
            }
        }
    }
}
