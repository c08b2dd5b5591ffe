package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.RoundingRows;
import org.certus.nn.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Float32BoundsContainmentTest}'s check on networks whose hidden maps are wide enough to carry their rounding
 * in their weights ({@link RoundingRows}, at least {@link RoundingRows#MIN_INPUTS} inputs): FLOAT32 bounds of every
 * layer, the lower bound of a random output row ({@code minimize}) and its α,β-optimised bound contain every float32
 * and double evaluation, in every summation order the other test uses, of badly scaled random weights.
 */
class WideFloat32BoundsContainmentTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    static Network wideNetwork(Random rnd, int inputs) {
        return wideNetwork(rnd, inputs, false);
    }

    /** With {@code deadHalf}, about half of each hidden layer's biases are −10^30: those ReLUs never fire. */
    static Network wideNetwork(Random rnd, int inputs, boolean deadHalf) {
        List<Operation> layers = new ArrayList<>();
        int[] widths = {inputs, RoundingRows.MIN_INPUTS + rnd.nextInt(8), RoundingRows.MIN_INPUTS + rnd.nextInt(8), 1 + rnd.nextInt(3)};
        for (int i = 0; i + 1 < widths.length; i++) {
            double[] w = new double[widths[i] * widths[i + 1]];
            double[] b = new double[widths[i + 1]];
            for (int q = 0; q < w.length; q++) {
                w[q] = Float32BoundsContainmentTest.wild(rnd);
            }
            for (int q = 0; q < b.length; q++) {
                b[q] = deadHalf && i + 2 < widths.length && rnd.nextBoolean() ? -1e30 : Float32BoundsContainmentTest.wild(rnd);
            }
            layers.add(new Dense(widths[i], widths[i + 1], w, b));
            if (i + 2 < widths.length) {
                layers.add(new Relu());
            }
        }
        return new Network("wide", Shape.flat(inputs), InputDomain.uniform(inputs, -1e9, 1e9), layers);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsContainEveryEvaluation(long seed) {
        Random rnd = new Random(seed * 7919 + 11);
        int inputs = 1 + rnd.nextInt(4);
        ReluChain chain = ReluChain.of(wideNetwork(rnd, inputs));
        assertNotNull(chain.float32RoundingRows(1), "seed " + seed + ": the second map must carry its rounding");
        double[][] box = Float32BoundsContainmentTest.randomBox(rnd, inputs);
        checkContainment(chain, box[0], box[1], rnd, "seed " + seed + " (replay: WideFloat32BoundsContainmentTest seed " + seed + ")");
    }

    /**
     * The same with about half of each hidden layer dead (a bias of −10^30) and the chain told which ReLU outputs the
     * first bounds prove to be 0 ({@link ReluChain#withZeroInputs}): its rounding then counts only the other terms,
     * and must still contain every evaluation.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundsWithKnownZeroInputsContainEveryEvaluation(long seed) {
        Random rnd = new Random(seed * 104729 + 3);
        int inputs = 1 + rnd.nextInt(4);
        Network net = wideNetwork(rnd, inputs, true);
        ReluChain chain = ReluChain.of(net);
        double[][] box = Float32BoundsContainmentTest.randomBox(rnd, inputs);
        double[] lo = box[0], hi = box[1];
        NetworkBounds first = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32).propagate(chain, lo, hi);
        boolean[][] zero = first.zeroReluOutputs();
        int zeros = 0;
        for (int i = 1; i < zero.length; i++) {
            for (boolean z : zero[i]) {
                zeros += z ? 1 : 0;
            }
        }
        String ctx = "seed " + seed + " (replay: WideFloat32BoundsContainmentTest known zeros, seed " + seed + ")";
        assertTrue(zeros >= RoundingRows.MIN_INPUTS / 2, ctx + ": only " + zeros + " inputs known to be 0");
        ReluChain known = chain.withZeroInputs(zero);
        // The narrowed model must round less somewhere, or this test would not test it.
        assertTrue(known.float32ErrorBound(1).bias()[0] < chain.float32ErrorBound(1).bias()[0], ctx + ": no narrower error model");
        checkContainment(known, lo, hi, rnd, ctx);
    }

    /**
     * FLOAT32 bounds of every layer, the CROWN and α,β bounds of a random output row: they contain every float32 and
     * double evaluation of the chain at sample points of the box.
     */
    private static void checkContainment(ReluChain chain, double[] lo, double[] hi, Random rnd, String ctx) {
        SymbolicPropagator sym = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32);
        NetworkBounds b = sym.propagate(chain, lo, hi);
        double[] w = BoundSoundnessTest.gaussian(rnd, chain.outputSize(), 1.0);
        AffineMap row = AffineMap.fromDense(1, chain.outputSize(), w, new double[1]);
        double crown = sym.minimize(chain, b, lo, hi, row).lower()[0];
        double ab = new AlphaBetaOptimizer(ArithmeticModel.FLOAT32).lowerBound(chain, b,
                ReluSplits.none(BoundPropagator.widths(chain)), lo, hi, row, 0, 20).lower();
        int k = chain.reluLayerCount();
        for (double[] x : Float32BoundsContainmentTest.samples(rnd, lo, hi)) {
            for (Float32BoundsContainmentTest.Order o : Float32BoundsContainmentTest.Order.values()) {
                for (double[][] z : List.of(Float32BoundsContainmentTest.evalFloat(chain, x, o, rnd),
                        Float32BoundsContainmentTest.evalDouble(chain, x, o, rnd))) {
                    Float32BoundsContainmentTest.check(b, z, ctx + " " + o + " at x=" + java.util.Arrays.toString(x));
                    // The row's value at the evaluated outputs; its own rounding (a few terms in double) is not the
                    // network's, so compare with a margin far below the rounding bounds at stake.
                    double v = 0, size = 0;
                    for (int j = 0; j < w.length; j++) {
                        v += w[j] * z[k][j];
                        size += Math.abs(w[j] * z[k][j]);
                    }
                    double slack = 1e-12 * (1 + size);
                    assertTrue(crown <= v + slack, ctx + ": CROWN bound " + crown + " above the row's value " + v + " (" + o + ")");
                    assertTrue(ab <= v + slack, ctx + ": α,β bound " + ab + " above the row's value " + v + " (" + o + ")");
                }
            }
        }
    }
}
