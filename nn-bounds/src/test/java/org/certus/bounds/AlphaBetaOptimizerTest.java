package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The α,β-optimised bound is sound (below the objective at every sampled point of the node's
 * region, in REAL and FLOAT32 mode) and never looser than plain CROWN's.
 */
class AlphaBetaOptimizerTest {

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void optimisedBoundIsSoundAndNoLooser(long seed) {
        Random rnd = new Random(seed * 31 + 7);
        SplitNode at = SplitNode.random(rnd, 1, 3);
        ReluChain chain = at.chain;
        double[] lo = at.lo, hi = at.hi;
        ArithmeticModel model = at.model;
        SymbolicPropagator sym = at.sym;
        ReluSplits splits = at.splits;
        NetworkBounds node = at.node;
        if (node.infeasible()) {
            return;
        }
        double[] w = BoundSoundnessTest.gaussian(rnd, chain.outputSize(), 1.0);
        AffineMap objective = AffineMap.fromDense(1, chain.outputSize(), w, new double[] {rnd.nextGaussian()});
        double crown = sym.minimize(chain, node, lo, hi, objective).lower()[0];
        AlphaBetaOptimizer.Result opt = new AlphaBetaOptimizer(model).lowerBound(chain, node, splits, lo, hi, objective, 0, 30);
        assertTrue(opt.lower() >= crown - 1e-9 * (1 + Math.abs(crown)),
                "seed " + seed + ": optimised " + opt.lower() + " looser than CROWN " + crown);
        for (int s = 0; s < 400; s++) {
            OptionalDouble value = objectiveInRegion(chain, splits, objective, BoundSoundnessTest.sample(rnd, lo, hi, s));
            if (value.isEmpty()) {
                continue;
            }
            double v = value.getAsDouble();
            assertTrue(v >= opt.lower(), "seed " + seed + ": optimised bound " + opt.lower() + " above objective " + v + " at a point");
        }
    }

    /**
     * A child started from its parent's α,β (one more split, β = 0 for it): both the one-pass estimate
     * {@code boundWith} and the warm-started optimisation are below the objective on the child's region,
     * and the optimisation, whose first step is that estimate, is never below it.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void warmStartedChildBoundIsSound(long seed) {
        Random rnd = new Random(seed * 131 + 3);
        Network net = BoundSoundnessTest.randomNetwork(rnd);
        ReluChain chain = ReluChain.of(net);
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        randomBox(rnd, lo, hi);
        ArithmeticModel model = rnd.nextBoolean() ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
        SymbolicPropagator sym = new SymbolicPropagator(false, null, model);
        AlphaBetaOptimizer optimizer = new AlphaBetaOptimizer(model);
        double[] w = BoundSoundnessTest.gaussian(rnd, chain.outputSize(), 1.0);
        AffineMap objective = AffineMap.fromDense(1, chain.outputSize(), w, new double[] {rnd.nextGaussian()});
        ReluSplits splits = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds node = sym.propagate(chain, lo, hi);
        AlphaBetaStart start = null;
        for (int depth = 0; depth < 3; depth++) {
            AlphaBetaOptimizer.Result parent = optimizer.lowerBound(chain, node, splits, lo, hi, objective, 0, 10, start,
                    Double.POSITIVE_INFINITY);
            start = parent.end();
            int layer = rnd.nextInt(chain.reluLayerCount());
            int neuron = rnd.nextInt(chain.width(layer));
            if (!node.isUnstable(layer, neuron)) {
                continue;
            }
            ReluPhase phase = rnd.nextBoolean() ? ReluPhase.ACTIVE : ReluPhase.INACTIVE;
            splits = splits.with(layer, neuron, phase);
            node = sym.propagate(chain, lo, hi, splits, node.withSplit(layer, neuron, phase), layer + 1);
            if (node.infeasible()) {
                return;
            }
            double estimate = optimizer.boundWith(chain, node, splits, lo, hi, objective, 0, start);
            double warm = optimizer.lowerBound(chain, node, splits, lo, hi, objective, 0, 10, start, Double.POSITIVE_INFINITY).lower();
            assertTrue(warm >= estimate, "seed " + seed + ": warm " + warm + " below its own first step " + estimate);
            for (int s = 0; s < 300; s++) {
                OptionalDouble value = objectiveInRegion(chain, splits, objective, BoundSoundnessTest.sample(rnd, lo, hi, s));
                if (value.isEmpty()) {
                    continue;
                }
                double v = value.getAsDouble();
                assertTrue(v >= estimate && v >= warm,
                        "seed " + seed + ": bound " + Math.max(estimate, warm) + " above objective " + v + " at a point");
            }
        }
    }

    /**
     * The relaxed forward pass's two loop orders (one dot product per needed row; the weight columns of the
     * non-zero inputs) give the same pre-activations and lines up to rounding, on dense maps with sparse
     * inputs and random needed rows; rows not needed are 0 with the intercept as their line.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void relaxedLayerLoopOrdersAgree(long seed) {
        Random rnd = new Random(seed * 17 + 5);
        int rows = 1 + rnd.nextInt(40);
        int cols = 1 + rnd.nextInt(40);
        AffineMap a = AffineMap.fromDense(rows, cols, BoundSoundnessTest.gaussian(rnd, rows * cols, 1.0),
                BoundSoundnessTest.gaussian(rnd, rows, 1.0));
        if (a.denseOrNull() == null) {
            return; // a draw with exact zeros below the dense fill: only the row order applies
        }
        double[] h = new double[cols];
        for (int c = 0; c < cols; c++) {
            h[c] = rnd.nextDouble() < 0.4 ? 0.0 : rnd.nextGaussian();
        }
        boolean[] need = new boolean[rows];
        double[] slope = new double[rows];
        double[] intercept = new double[rows];
        for (int n = 0; n < rows; n++) {
            need[n] = rnd.nextDouble() < 0.6;
            slope[n] = need[n] ? rnd.nextDouble() : 0.0;
            intercept[n] = rnd.nextDouble();
        }
        double[][] z = new double[2][rows];
        double[][] hn = new double[2][rows];
        LanePasses.relaxedLayer(a, h, need, false, slope, intercept, z[0], hn[0]);
        LanePasses.relaxedLayer(a, h, need, true, slope, intercept, z[1], hn[1]);
        double[] w = a.denseOrNull();
        for (int n = 0; n < rows; n++) {
            double scale = Math.abs(a.bias()[n]);
            for (int c = 0; c < cols; c++) {
                scale += Math.abs(w[n * cols + c] * h[c]);
            }
            double tol = 1e-13 * (1 + scale);
            String where = "seed " + seed + " row " + n;
            if (!need[n]) {
                assertTrue(z[0][n] == 0.0 && z[1][n] == 0.0 && hn[0][n] == intercept[n] && hn[1][n] == intercept[n], where);
                continue;
            }
            double exact = a.bias()[n];
            for (int c = 0; c < cols; c++) {
                exact += w[n * cols + c] * h[c];
            }
            assertTrue(Math.abs(z[0][n] - exact) <= tol && Math.abs(z[1][n] - exact) <= tol,
                    where + ": " + z[0][n] + " / " + z[1][n] + " vs " + exact);
            assertTrue(Math.abs(hn[0][n] - hn[1][n]) <= tol, where + ": lines " + hn[0][n] + " / " + hn[1][n]);
        }
    }

    /**
     * Several rows optimised together give each row the very bound, vertex and end α,β it gets alone (lanes
     * do not interfere, and each lane's sums run in the same order), with a target that stops some rows early.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void rowsTogetherEqualRowsAlone(long seed) {
        Random rnd = new Random(seed * 7 + 11);
        SplitNode at = SplitNode.random(rnd, 0, 4);
        if (at.node.infeasible()) {
            return;
        }
        int rows = 1 + rnd.nextInt(6);
        int outs = at.chain.outputSize();
        double[] w = BoundSoundnessTest.gaussian(rnd, rows * outs, 1.0);
        for (int q = 0; q < w.length; q++) {
            if (rnd.nextDouble() < 0.3) {
                w[q] = 0.0; // sparse objective rows, as margin rows are
            }
        }
        AffineMap objective = AffineMap.fromDense(rows, outs, w, BoundSoundnessTest.gaussian(rnd, rows, 1.0));
        AlphaBetaOptimizer optimizer = new AlphaBetaOptimizer(at.model);
        int[] order = new int[rows];
        AlphaBetaStart[] starts = new AlphaBetaStart[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = rows - 1 - r; // any order of rows
            if (rnd.nextBoolean()) {
                starts[r] = optimizer.lowerBound(at.chain, at.node, at.splits, at.lo, at.hi, objective, order[r], 3).end();
            }
        }
        double target = rnd.nextBoolean() ? Double.POSITIVE_INFINITY
                : at.sym.minimize(at.chain, at.node, at.lo, at.hi, objective).lower()[rnd.nextInt(rows)] + 0.05;
        int iterations = rnd.nextInt(25);
        // Forced together: these networks are far below the size where the engine does that by itself.
        AlphaBetaOptimizer.Result[] together = optimizer.lowerBounds(at.chain, at.node, at.splits, at.lo, at.hi, objective, order,
                iterations, starts, target, true);
        AlphaBetaOptimizer.Result[] byDefault = optimizer.lowerBounds(at.chain, at.node, at.splits, at.lo, at.hi, objective, order,
                iterations, starts, target);
        for (int r = 0; r < rows; r++) {
            AlphaBetaOptimizer.Result alone = optimizer.lowerBound(at.chain, at.node, at.splits, at.lo, at.hi, objective, order[r],
                    iterations, starts[r], target);
            String where = "seed " + seed + " row " + order[r];
            assertTrue(together[r].lower() == alone.lower(),
                    where + ": " + together[r].lower() + " together, " + alone.lower() + " alone");
            assertTrue(java.util.Arrays.equals(together[r].argmin(), alone.argmin()), where + ": vertices differ");
            assertTrue(together[r].end().equals(alone.end()), where + ": end α,β differ");
            assertTrue(byDefault[r].lower() == alone.lower() && byDefault[r].end().equals(alone.end()), where + ": default differs");
        }
    }

    /**
     * A node of a random network: a random box, arithmetic model and a few random phase splits of unstable
     * ReLUs (the loop bound {@code minSplits + rnd.nextInt(range)} drawn again at every step), its bounds
     * propagated with the splits (possibly infeasible).
     */
    record SplitNode(ReluChain chain, double[] lo, double[] hi, ArithmeticModel model, SymbolicPropagator sym,
                     ReluSplits splits, NetworkBounds node) {
        static SplitNode random(Random rnd, int minSplits, int range) {
            return on(rnd, ReluChain.of(BoundSoundnessTest.randomNetwork(rnd)), minSplits, range);
        }

        /** A node of {@code chain}, drawn as {@link #random} draws one after its network. */
        static SplitNode on(Random rnd, ReluChain chain, int minSplits, int range) {
            int n = chain.inputSize();
            double[] lo = new double[n], hi = new double[n];
            randomBox(rnd, lo, hi);
            ArithmeticModel model = rnd.nextBoolean() ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
            SymbolicPropagator sym = new SymbolicPropagator(false, null, model);
            ReluSplits splits = ReluSplits.none(BoundPropagator.widths(chain));
            NetworkBounds node = sym.propagate(chain, lo, hi);
            for (int t = 0; t < minSplits + rnd.nextInt(range); t++) {
                int layer = rnd.nextInt(chain.reluLayerCount());
                int neuron = rnd.nextInt(chain.width(layer));
                if (!node.isUnstable(layer, neuron)) {
                    continue;
                }
                ReluPhase phase = rnd.nextBoolean() ? ReluPhase.ACTIVE : ReluPhase.INACTIVE;
                splits = splits.with(layer, neuron, phase);
                node = sym.propagate(chain, lo, hi, splits, node.withSplit(layer, neuron, phase), layer + 1);
            }
            return new SplitNode(chain, lo, hi, model, sym, splits, node);
        }
    }

    /** A random box of half-widths 0.1–0.6 around centres in [−0.5, 0.5). */
    static void randomBox(Random rnd, double[] lo, double[] hi) {
        for (int i = 0; i < lo.length; i++) {
            double c = rnd.nextDouble() - 0.5, r = 0.1 + rnd.nextDouble() * 0.5;
            lo[i] = c - r;
            hi[i] = c + r;
        }
    }

    /** Row 0 of {@code objective} at the network's outputs for input {@code x}; empty where {@code x} breaks a split. */
    private static OptionalDouble objectiveInRegion(ReluChain chain, ReluSplits splits, AffineMap objective, double[] x) {
        double[][] z = chain.preActivations(x);
        if (!satisfiesSplits(splits, z)) {
            return OptionalDouble.empty();
        }
        double[] v = new double[objective.rows()];
        objective.apply(z[z.length - 1], v);
        return OptionalDouble.of(v[0]);
    }

    /** Whether pre-activations {@code z} lie in the region the phase splits allow. */
    static boolean satisfiesSplits(ReluSplits splits, double[][] z) {
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
}
