package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.Float32RoundingZeroTermsTest;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A dense layer whose rounding is counted over the inputs its first bounds prove can be nonzero
 * ({@link ReluChain#withZeroInputs} with {@link NetworkBounds#zeroReluOutputs}) is still bounded below its worst
 * float32 evaluation. The network: at x = 1 a hidden layer of n ≥ 128 ReLUs holds 1, then k − 1 values of
 * {@code u = 2^-24}, and n − k dead units at random places; the output sums them all with weight 1. Exactly, the
 * output is {@code 1 + (k − 1) u}; summed in order in float32, every small term is a tie that rounds to even and the
 * output is 1. FLOAT32 bounds (CROWN and α,β) must stay at or below 1; they must also be tighter than without the
 * zeros known (the bound counts k terms, not n). A model that treated the small terms as zeros, or counted one
 * rounding per row, would put the bound above 1.
 */
class ZeroTermsRoundingBoundTest {
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundStaysBelowTheWorstFloat32Sum(long seed) {
        Random rnd = new Random(seed);
        int k = 8 + rnd.nextInt(60);
        int n = 128 + k + rnd.nextInt(200);
        double[] w1 = new double[n];
        double[] b1 = new double[n];
        // Units at random places (as in Float32RoundingZeroTermsTest); the float32 sum below runs in unit order, so
        // the 1 is put first and the unit there moves to the 1's place.
        int[] place = Float32RoundingZeroTermsTest.shuffled(n, rnd);
        for (int t = 0; t < n; t++) {
            if (place[t] == 0) {
                place[t] = place[0];
                place[0] = 0;
                break;
            }
        }
        for (int t = 0; t < n; t++) {
            int c = place[t];
            if (t == 0) {
                w1[c] = 1;
            } else if (t < k) {
                w1[c] = 0x1p-24;
            } else {
                w1[c] = -1;
                b1[c] = -10;
            }
        }
        double[] w2 = new double[n];
        java.util.Arrays.fill(w2, 1);
        Network net = new Network("zero-terms-" + seed, Shape.flat(1), InputDomain.uniform(1, 0, 2),
                List.of(new Dense(1, n, w1, b1), new Relu(), new Dense(n, 1, w2, new double[1])));
        String ctx = "seed " + seed + ": k = " + k + ", n = " + n;

        float s = 0f;
        for (int c = 0; c < n; c++) {
            s += Math.max(0f, (float) w1[c] + (float) b1[c]);
        }
        assertEquals(1f, s, ctx + ": the construction");

        double[] x = {1};
        ReluChain chain = ReluChain.of(net);
        SymbolicPropagator sym = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32);
        AffineMap row = AffineMap.fromDense(1, 1, new double[] {1}, new double[1]);
        NetworkBounds first = sym.propagate(chain, x, x);
        double before = sym.minimize(chain, first, x, x, row).lower()[0];
        ReluChain known = chain.withZeroInputs(first.zeroReluOutputs());
        NetworkBounds b = sym.propagate(known, x, x);
        double crown = sym.minimize(known, b, x, x, row).lower()[0];
        double ab = new AlphaBetaOptimizer(ArithmeticModel.FLOAT32).lowerBound(known, b,
                ReluSplits.none(BoundPropagator.widths(known)), x, x, row, 0, 20).lower();
        assertTrue(b.lower(1)[0] <= s, ctx + ": layer bound " + b.lower(1)[0] + " above the float32 sum");
        assertTrue(crown <= s, ctx + ": CROWN bound " + crown + " above the float32 sum");
        assertTrue(ab <= s, ctx + ": α,β bound " + ab + " above the float32 sum");
        assertTrue(crown > before, ctx + ": knowing the zeros did not tighten the bound (" + before + " -> " + crown + ")");
    }
}
