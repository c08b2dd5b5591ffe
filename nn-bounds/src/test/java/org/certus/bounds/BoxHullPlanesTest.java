package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Box-hull planes: every plane lies above its ReLU on the whole box (checked at every vertex and at random
 * points, for random weights m), the triangle's weights give the triangle's line, and the optimiser that uses
 * them on one-hidden-layer networks stays below the objective (exact and float32 evaluations, with phase
 * splits) while it beats the triangle's α,β bound on most networks.
 */
class BoxHullPlanesTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyPlaneLiesAboveItsReluOnTheBox(long seed) {
        Random rnd = new Random(seed * 97 + 1);
        int n = 1 + rnd.nextInt(8);
        double[] w = BoundSoundnessTest.gaussian(rnd, n, 1.0);
        if (rnd.nextInt(4) == 0) {
            w[rnd.nextInt(n)] = 0.0;
        }
        double b = rnd.nextGaussian();
        double[] lo = new double[n], hi = new double[n];
        AlphaBetaOptimizerTest.randomBox(rnd, lo, hi);
        BoxHullPlanes planes = new BoxHullPlanes(AffineMap.fromDense(1, n, w, new double[] {b}));
        boolean triangle = rnd.nextInt(3) == 0;
        double l = b, u = b;
        for (int c = 0; c < n; c++) {
            l += Math.min(w[c] * lo[c], w[c] * hi[c]);
            u += Math.max(w[c] * lo[c], w[c] * hi[c]);
        }
        double slope = l < 0 && u > 0 ? u / (u - l) : 0.5;
        if (!triangle) {
            double[] m = planes.row(0);
            for (int q = 0; q < m.length; q++) {
                int pick = rnd.nextInt(4);
                m[q] = pick == 0 ? 0.0 : pick == 1 ? 1.0 : rnd.nextDouble();
            }
        }
        double error = rnd.nextBoolean() ? 0.0 : 0.05 * rnd.nextDouble();
        double[] coef = new double[n];
        double[] mag = new double[1];
        // λ = −1: the returned constant and coefficients are those of −plane.
        double constant = planes.relax(0, -1.0, slope, error, lo, hi, coef, mag);
        List<double[]> points = new ArrayList<>();
        for (int v = 0; v < (1 << n); v++) {
            double[] x = new double[n];
            for (int c = 0; c < n; c++) {
                x[c] = ((v >> c) & 1) == 0 ? lo[c] : hi[c];
            }
            points.add(x);
        }
        for (int s = 0; s < 50; s++) {
            points.add(BoundSoundnessTest.sample(rnd, lo, hi, 1));
        }
        for (double[] x : points) {
            double plane = -constant;
            double z = b + error;
            for (int c = 0; c < n; c++) {
                plane -= coef[c] * x[c];
                z += w[c] * x[c];
            }
            double tol = 1e-12 * (1 + mag[0]);
            assertTrue(plane >= Math.max(0.0, z) - tol, "seed " + seed + ": plane " + plane + " below relu " + Math.max(0, z));
            if (triangle && error == 0.0 && l < 0 && u > 0) {
                double line = slope * (z - l);
                assertTrue(Math.abs(plane - line) <= 1e-9 * (1 + Math.abs(line)),
                        "seed " + seed + ": triangle weights give " + plane + ", the triangle " + line);
            }
        }
    }

    /**
     * One hidden layer, random splits, REAL or FLOAT32: the bound with planes is below the objective at sampled
     * points of the node (evaluated exactly and, for FLOAT32, in float32), never below plain CROWN's, and above the
     * triangle's α,β bound (same steps) on most networks, by more than rounding.
     */
    @Test
    void planesAreSoundAndTighterThanTheTriangle() {
        int better = 0, worse = 0, cases = 0;
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed * 53 + 29);
            int inputs = 3 + rnd.nextInt(6), hidden = 6 + rnd.nextInt(20);
            AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.on(rnd,
                    ReluChain.of(oneHiddenLayer(rnd, inputs, hidden)), 0, 3);
            ReluChain chain = at.chain();
            double[] lo = at.lo(), hi = at.hi();
            ArithmeticModel model = at.model();
            SymbolicPropagator sym = at.sym();
            ReluSplits splits = at.splits();
            NetworkBounds node = at.node();
            if (node.infeasible()) {
                continue;
            }
            double[] w = BoundSoundnessTest.gaussian(rnd, chain.outputSize(), 1.0);
            AffineMap objective = AffineMap.fromDense(1, chain.outputSize(), w, new double[] {rnd.nextGaussian()});
            double crown = sym.minimize(chain, node, lo, hi, objective).lower()[0];
            double triangle = new AlphaBetaOptimizer(model).lowerBound(chain, node, splits, lo, hi, objective, 0, 40).lower();
            double hull = new AlphaBetaOptimizer(model, () -> false, true).lowerBound(chain, node, splits, lo, hi, objective, 0, 40)
                    .lower();
            cases++;
            double scale = 1e-6 * (1 + Math.abs(triangle));
            if (hull > triangle + scale) {
                better++;
            } else if (hull < triangle - scale) {
                worse++;
            }
            assertTrue(hull >= crown - 1e-9 * (1 + Math.abs(crown)), "seed " + seed + ": planes " + hull + " below CROWN " + crown);
            for (int s = 0; s < 300; s++) {
                double[] x = Float32Evaluation.roundInto(BoundSoundnessTest.sample(rnd, lo, hi, s), lo, hi);
                double[][] z = chain.preActivations(x);
                if (!AlphaBetaOptimizerTest.satisfiesSplits(splits, z)) {
                    continue;
                }
                double v = objective.bias()[0];
                for (int o = 0; o < w.length; o++) {
                    v += w[o] * z[1][o];
                }
                assertTrue(v >= hull, "seed " + seed + ": bound " + hull + " above objective " + v);
                if (model == ArithmeticModel.FLOAT32) {
                    for (Float32BoundsContainmentTest.Order order : Float32BoundsContainmentTest.Order.values()) {
                        double[][] zf = Float32BoundsContainmentTest.evalFloat(chain, x, order, rnd);
                        double vf = objective.bias()[0];
                        for (int o = 0; o < w.length; o++) {
                            vf += w[o] * zf[1][o];
                        }
                        // The objective's own sum in double: within 1e-12 of exact for these sizes.
                        assertTrue(vf >= hull - 1e-12 * (1 + Math.abs(vf)),
                                "seed " + seed + ": bound " + hull + " above float32 objective " + vf + " (" + order + ")");
                    }
                }
            }
        }
        assertTrue(better >= cases / 2, "planes beat the triangle on " + better + " of " + cases + " (worse on " + worse + ")");
        assertTrue(worse <= cases / 20, "planes below the triangle's α,β on " + worse + " of " + cases);
    }

    /**
     * Deeper networks (dense or convolutional first layer, 1–3 hidden layers, random splits anywhere): the bound
     * with planes on the first layer stays below the objective at sampled points of the node.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void planesUnderDeeperLayersAreSound(long seed) {
        Random rnd = new Random(seed * 61 + 17);
        AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.random(rnd, 0, 4);
        if (at.node().infeasible()) {
            return;
        }
        int outputs = at.chain().outputSize();
        double[] w = BoundSoundnessTest.gaussian(rnd, outputs, 1.0);
        AffineMap objective = AffineMap.fromDense(1, outputs, w, new double[] {rnd.nextGaussian()});
        double crown = at.sym().minimize(at.chain(), at.node(), at.lo(), at.hi(), objective).lower()[0];
        double hull = new AlphaBetaOptimizer(at.model(), () -> false, true)
                .lowerBound(at.chain(), at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 30).lower();
        assertTrue(hull >= crown - 1e-9 * (1 + Math.abs(crown)), "seed " + seed + ": planes " + hull + " below CROWN " + crown);
        for (int s = 0; s < 400; s++) {
            double[] x = BoundSoundnessTest.sample(rnd, at.lo(), at.hi(), s);
            double[][] z = at.chain().preActivations(x);
            if (!AlphaBetaOptimizerTest.satisfiesSplits(at.splits(), z)) {
                continue;
            }
            double v = objective.bias()[0];
            for (int o = 0; o < w.length; o++) {
                v += w[o] * z[z.length - 1][o];
            }
            assertTrue(v >= hull, "seed " + seed + ": bound " + hull + " above objective " + v);
        }
    }

    /** Dense → ReLU → dense, weights and biases float32 values. */
    private static Network oneHiddenLayer(Random rnd, int inputs, int hidden) {
        int outputs = 2 + rnd.nextInt(3);
        List<Operation> layers = new ArrayList<>();
        layers.add(new Dense(inputs, hidden, floats(BoundSoundnessTest.gaussian(rnd, inputs * hidden, 1.0 / Math.sqrt(inputs))),
                floats(BoundSoundnessTest.gaussian(rnd, hidden, 0.3))));
        layers.add(new Relu());
        layers.add(new Dense(hidden, outputs, floats(BoundSoundnessTest.gaussian(rnd, hidden * outputs, 1.0 / Math.sqrt(hidden))),
                floats(BoundSoundnessTest.gaussian(rnd, outputs, 0.3))));
        Shape in = Shape.flat(inputs);
        return new Network("one-hidden", in, InputDomain.uniform(inputs, -1, 1), layers);
    }

    private static double[] floats(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) v[i];
        }
        return v;
    }
}
