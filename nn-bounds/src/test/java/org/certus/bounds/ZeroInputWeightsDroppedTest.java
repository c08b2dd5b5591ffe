package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bounding passes over {@link ReluChain#affineOnRegion} ({@link ReluChain#withZeroInputWeightsDropped}): the lowered
 * convolutions without the weights of the ReLUs that the root's bounds prove inactive, as the search's chain has
 * them. On random stacks of 3 × 3 convolutions ({@link ConvSupportBoundsTest#convStack}), with splits of the root's
 * unstable neurons, in both arithmetic models, every bound is the same bits with and without the weights: the
 * intermediate bounds at a node, the CROWN bounds of objective rows, and α,β's bounds and vertices, rows alone and
 * together. Some weights are dropped on every seed, so the comparison is not between two equal chains.
 */
class ZeroInputWeightsDroppedTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void droppingTheWeightsOfInactiveReluOutputsChangesNoBound(long seed) {
        Random rnd = new Random(seed * 4099 + 7);
        ReluChain lowered = ReluChain.of(ConvSupportBoundsTest.convStack(rnd, rnd.nextBoolean()));
        double[] lo = new double[lowered.inputSize()], hi = new double[lowered.inputSize()];
        ConvSupportBoundsTest.box(rnd, lo, hi);
        for (ArithmeticModel am : ArithmeticModel.values()) {
            String where = "seed " + seed + ", " + am;
            SymbolicPropagator propagator = new SymbolicPropagator(rnd.nextBoolean(), null, am);
            ReluSplits none = ReluSplits.none(BoundPropagator.widths(lowered));
            NetworkBounds root = propagator.propagate(lowered, lo, hi, none);
            ReluChain kept = lowered.withZeroInputs(root.zeroReluOutputs());
            ReluChain dropped = kept.withZeroInputWeightsDropped();
            long before = 0, after = 0;
            for (int j = 0; j <= lowered.reluLayerCount(); j++) {
                before += kept.affineOnRegion(j).nonZeros();
                after += dropped.affineOnRegion(j).nonZeros();
            }
            assertTrue(after < before, where + ": no weight dropped (" + before + " weights)");

            int[] splitAt = new int[1];
            ReluSplits splits = splitsOfUnstable(rnd, root, 3, splitAt);
            assertSameBits(where + ", node", propagator.propagate(kept, lo, hi, splits, root, splitAt[0]),
                    propagator.propagate(dropped, lo, hi, splits, root, splitAt[0]));
            NetworkBounds node = propagator.propagate(kept, lo, hi, splits, root, splitAt[0]);
            if (node.infeasible()) {
                continue;
            }
            AffineMap objective = objective(rnd, lowered.outputSize());
            assertArrayEquals(propagator.minimize(kept, node, lo, hi, objective).lower(),
                    propagator.minimize(dropped, node, lo, hi, objective).lower(), where + ": CROWN bounds of the objective");

            AlphaBetaOptimizer optimizer = new AlphaBetaOptimizer(am, () -> false, false,
                    rnd.nextBoolean() && AlphaBetaOptimizer.substitutedPlanesApply(lowered));
            int[] rows = new int[objective.rows()];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = r;
            }
            for (boolean together : new boolean[] {false, true}) {
                AlphaBetaOptimizer.Result[] a = optimizer.lowerBounds(kept, node, splits, lo, hi, objective, rows, 8,
                        new AlphaBetaStart[rows.length], Double.POSITIVE_INFINITY, together);
                AlphaBetaOptimizer.Result[] b = optimizer.lowerBounds(dropped, node, splits, lo, hi, objective, rows, 8,
                        new AlphaBetaStart[rows.length], Double.POSITIVE_INFINITY, together);
                for (int r = 0; r < rows.length; r++) {
                    String row = where + ", α,β row " + r + (together ? " (rows together)" : "");
                    assertEquals(Double.doubleToLongBits(a[r].lower()), Double.doubleToLongBits(b[r].lower()), row);
                    assertArrayEquals(a[r].argmin(), b[r].argmin(), row + ": vertex");
                }
            }
        }
    }

    @Test
    void aChainWithoutDroppedWeightsOrADenseMapKeepsItsMaps() {
        Random rnd = new Random(5);
        ReluChain lowered = ReluChain.of(ConvSupportBoundsTest.convStack(rnd, true));
        boolean[][] allZero = new boolean[lowered.reluLayerCount() + 1][];
        for (int j = 1; j < allZero.length; j++) {
            allZero[j] = new boolean[lowered.affine(j).cols()];
            java.util.Arrays.fill(allZero[j], true);
        }
        ReluChain known = lowered.withZeroInputs(allZero);
        ReluChain dropped = known.withZeroInputWeightsDropped();
        int k = lowered.reluLayerCount();
        for (int j = 0; j <= k; j++) {
            assertSame(lowered.affine(j), known.affineOnRegion(j), "map " + j + " without dropping");
        }
        assertSame(lowered.affine(0), dropped.affineOnRegion(0), "the input map has no ReLU inputs");
        assertSame(lowered.affine(k), dropped.affineOnRegion(k), "the dense head keeps its rows");
        for (int j = 1; j < k; j++) {
            AffineMap a = dropped.affineOnRegion(j);
            assertEquals(0, a.nonZeros(), "map " + j + ": every input is 0");
            assertArrayEquals(lowered.affine(j).bias(), a.bias(), "map " + j + ": the bias stays");
            assertEquals(lowered.affine(j).rows(), a.rows());
            assertEquals(lowered.affine(j).cols(), a.cols());
        }
        assertThrows(IllegalArgumentException.class, () -> lowered.affine(1).withoutColumns(new boolean[1]));
    }

    /** {@code count} splits of neurons unstable in {@code root}, into random phases; {@code first[0]}: the first layer split. */
    private static ReluSplits splitsOfUnstable(Random rnd, NetworkBounds root, int count, int[] first) {
        int k = root.reluLayerCount();
        int[] widths = new int[k];
        for (int i = 0; i < k; i++) {
            widths[i] = root.lower(i).length;
        }
        ReluSplits splits = ReluSplits.none(widths);
        first[0] = k;
        for (int t = 0; t < count; t++) {
            int layer = rnd.nextInt(k);
            double[] l = root.lower(layer), u = root.upper(layer);
            int start = rnd.nextInt(l.length);
            for (int d = 0; d < l.length; d++) {
                int n = (start + d) % l.length;
                if (l[n] < 0 && u[n] > 0) {
                    splits = splits.with(layer, n, rnd.nextBoolean() ? ReluPhase.ACTIVE : ReluPhase.INACTIVE);
                    first[0] = Math.min(first[0], layer);
                    break;
                }
            }
        }
        return splits;
    }

    private static AffineMap objective(Random rnd, int outputs) {
        int rows = 2 + rnd.nextInt(3);
        double[] w = new double[rows * outputs];
        for (int q = 0; q < w.length; q++) {
            w[q] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian();
        }
        double[] b = new double[rows];
        for (int r = 0; r < rows; r++) {
            b[r] = rnd.nextGaussian();
        }
        return AffineMap.fromDense(rows, outputs, w, b);
    }

    private static void assertSameBits(String where, NetworkBounds expected, NetworkBounds actual) {
        assertEquals(expected.infeasible(), actual.infeasible(), where + ": feasibility");
        if (expected.infeasible()) {
            return;
        }
        for (int i = 0; i < expected.reluLayerCount(); i++) {
            assertArrayEquals(expected.lower(i), actual.lower(i), where + ": lower bounds of layer " + i);
            assertArrayEquals(expected.upper(i), actual.upper(i), where + ": upper bounds of layer " + i);
        }
    }
}
