package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Back-substitution over each lane's support ({@link LaneSupport}) and the wanted outputs' cone
 * ({@link OutputCone}), on random stacks of 3 × 3 convolutions wide enough that a neuron's receptive field is a
 * small part of the layer below (so lanes start sparse and turn dense on the way back):
 * <ul>
 * <li>every bound, at the root, at a node with splits and of an objective, is the same bits with and without
 * supports, in both arithmetic models;</li>
 * <li>with only some outputs wanted, those outputs' bounds and every bound inside their cone are the same bits as
 * with every output wanted, the cone is a strict part of the network, and every bound contains sampled
 * activations.</li>
 * </ul>
 */
class ConvSupportBoundsTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /** Convolutions (3 × 3, pad 1) with ReLUs; the output is a convolution too, or a dense layer when {@code denseHead}. */
    static Network convStack(Random rnd, boolean denseHead) {
        int c = 1 + rnd.nextInt(2), h = 10 + rnd.nextInt(5), w = 10 + rnd.nextInt(5);
        Shape in = Shape.chw(c, h, w);
        List<Operation> ops = new ArrayList<>();
        Window2d win = Window2d.square(3, 1, 1);
        int layers = 2 + rnd.nextInt(2);
        for (int i = 0; i < layers; i++) {
            int oc = 2 + rnd.nextInt(3);
            ops.add(new Conv2d(c, oc, win, BoundSoundnessTest.gaussian(rnd, oc * c * 9, 1.0 / 3), BoundSoundnessTest.gaussian(rnd, oc, 0.3)));
            ops.add(new Relu());
            c = oc;
        }
        if (denseHead) {
            ops.add(new Flatten(FlattenOrder.NCHW));
            int width = c * h * w, out = 2 + rnd.nextInt(4);
            ops.add(new Dense(width, out, BoundSoundnessTest.gaussian(rnd, width * out, 1.0 / Math.sqrt(width)),
                    BoundSoundnessTest.gaussian(rnd, out, 0.3)));
        } else {
            int oc = 1 + rnd.nextInt(3);
            ops.add(new Conv2d(c, oc, win, BoundSoundnessTest.gaussian(rnd, oc * c * 9, 1.0 / 3), BoundSoundnessTest.gaussian(rnd, oc, 0.3)));
        }
        return new Network("conv-stack", in, InputDomain.uniform(in.size(), 0, 1), ops);
    }

    /** A box of half-width 0.02–0.12 around a random point of [0, 1]^n, clipped to it. */
    static void box(Random rnd, double[] lo, double[] hi) {
        double eps = 0.02 + 0.1 * rnd.nextDouble();
        for (int i = 0; i < lo.length; i++) {
            double x = rnd.nextDouble();
            lo[i] = Math.max(0, x - eps);
            hi[i] = Math.min(1, x + eps);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void supportsDoNotChangeBounds(long seed) {
        Random rnd = new Random(seed * 6151 + 3);
        ReluChain chain = ReluChain.of(convStack(rnd, rnd.nextBoolean()));
        double[] lo = new double[chain.inputSize()], hi = new double[chain.inputSize()];
        box(rnd, lo, hi);
        for (ArithmeticModel am : ArithmeticModel.values()) {
            String where = "seed " + seed + ", " + am;
            SymbolicPropagator with = new SymbolicPropagator(rnd.nextBoolean(), null, am);
            SymbolicPropagator without = with.withoutSupports();
            ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
            NetworkBounds root = with.propagate(chain, lo, hi, none);
            assertSameBits(where + ", root", without.propagate(chain, lo, hi, none), root, null);
            RandomSplits drawn = RandomSplits.draw(rnd, chain, 3);
            ReluSplits splits = drawn.splits();
            int firstLayer = drawn.firstLayer();
            assertSameBits(where + ", node", without.propagate(chain, lo, hi, splits, root, firstLayer),
                    with.propagate(chain, lo, hi, splits, root, firstLayer), null);
            int outputs = chain.affine(chain.reluLayerCount()).rows();
            int rows = 1 + rnd.nextInt(3);
            double[] objective = new double[rows * outputs];
            for (int k = 0; k < objective.length; k++) {
                objective[k] = rnd.nextInt(3) == 0 ? rnd.nextGaussian() : 0.0;
            }
            AffineMap obj = AffineMap.fromDense(rows, outputs, objective, new double[rows]);
            double[] a = without.minimize(chain, root, lo, hi, obj).lower();
            double[] b = with.minimize(chain, root, lo, hi, obj).lower();
            for (int r = 0; r < rows; r++) {
                assertEquals(Double.doubleToLongBits(a[r]), Double.doubleToLongBits(b[r]), where + ": objective row " + r);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void coneKeepsTheWantedBounds(long seed) {
        Random rnd = new Random(seed * 7877 + 11);
        ReluChain chain = ReluChain.of(convStack(rnd, false));
        double[] lo = new double[chain.inputSize()], hi = new double[chain.inputSize()];
        box(rnd, lo, hi);
        int k = chain.reluLayerCount();
        int outputs = chain.affine(k).rows();
        boolean[] wanted = new boolean[outputs];
        for (int t = 0; t < 1 + rnd.nextInt(2); t++) {
            wanted[rnd.nextInt(outputs)] = true;
        }
        boolean[][] cone = OutputCone.of(chain, wanted);
        assertNotNull(cone, "seed " + seed + ": one or two outputs of a convolution read only part of the network");
        ArithmeticModel am = rnd.nextBoolean() ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
        SymbolicPropagator all = new SymbolicPropagator(false, null, am);
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds full = all.propagate(chain, lo, hi, none);
        NetworkBounds part = all.withOutputRows(wanted).propagate(chain, lo, hi, none);
        int skipped = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < chain.width(i); j++) {
                if (!cone[i][j]) {
                    skipped++;
                }
            }
        }
        assertTrue(skipped > 0, "seed " + seed + ": the cone skips no ReLU");
        assertSameBits("seed " + seed + " (" + am + "), cone", full, part, cone);
        for (int o = 0; o < outputs; o++) {
            if (wanted[o]) {
                assertEquals(Double.doubleToLongBits(full.lower(k)[o]), Double.doubleToLongBits(part.lower(k)[o]), "seed " + seed + ": output " + o);
                assertEquals(Double.doubleToLongBits(full.upper(k)[o]), Double.doubleToLongBits(part.upper(k)[o]), "seed " + seed + ": output " + o);
            }
        }
        SampledActivations.assertWithin(chain, lo, hi, part, rnd, 100, "seed " + seed + " with the cone");
    }

    /** The same bits on every ReLU layer's neurons (those in {@code only}, when given). */
    private static void assertSameBits(String where, NetworkBounds expected, NetworkBounds actual, boolean[][] only) {
        assertEquals(expected.infeasible(), actual.infeasible(), where + ": feasibility");
        if (expected.infeasible()) {
            return;
        }
        for (int i = 0; i < expected.reluLayerCount(); i++) {
            for (int j = 0; j < expected.lower(i).length; j++) {
                if (only != null && !only[i][j]) {
                    continue;
                }
                assertEquals(Double.doubleToLongBits(expected.lower(i)[j]), Double.doubleToLongBits(actual.lower(i)[j]),
                        where + ": lower bound of layer " + i + " neuron " + j);
                assertEquals(Double.doubleToLongBits(expected.upper(i)[j]), Double.doubleToLongBits(actual.upper(i)[j]),
                        where + ": upper bound of layer " + i + " neuron " + j);
            }
        }
    }
}
