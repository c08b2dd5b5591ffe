package org.certus.bounds;

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
import org.certus.nn.Float32Evaluation;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Substituted planes on the second ReLU layer ({@link SubstitutedPlanes}): on random networks of two or three ReLU
 * layers (dense or convolutional first layer, float32 weights) and random nodes with phase splits, the optimised
 * bound stays below the objective at sampled points of the node, evaluated exactly and, in FLOAT32, in float32 in
 * every summation order; it is never below CROWN's; and it beats the triangle's α,β bound (same steps) on networks
 * whose first layer is mostly stable, as on mnist-wk17a.
 */
class SubstitutedPlanesTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundStaysBelowTheObjective(long seed) {
        Random rnd = new Random(seed * 71 + 5);
        ReluChain chain = ReluChain.of(network(rnd, rnd.nextBoolean(), 0.3));
        AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.on(rnd, chain, 0, 4);
        if (at.node().infeasible()) {
            return;
        }
        int outputs = chain.outputSize();
        double[] w = BoundSoundnessTest.gaussian(rnd, outputs, 1.0);
        AffineMap objective = AffineMap.fromDense(1, outputs, w, new double[] {rnd.nextGaussian()});
        double crown = at.sym().minimize(chain, at.node(), at.lo(), at.hi(), objective).lower()[0];
        double bound = new AlphaBetaOptimizer(at.model(), () -> false, rnd.nextBoolean(), true)
                .lowerBound(chain, at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 40).lower();
        assertTrue(bound >= crown - 1e-9 * (1 + Math.abs(crown)), "seed " + seed + ": planes " + bound + " below CROWN " + crown);
        int k = chain.reluLayerCount();
        for (int s = 0; s < 300; s++) {
            double[] x = Float32Evaluation.roundInto(BoundSoundnessTest.sample(rnd, at.lo(), at.hi(), s), at.lo(), at.hi());
            double[][] z = chain.preActivations(x);
            if (!AlphaBetaOptimizerTest.satisfiesSplits(at.splits(), z)) {
                continue;
            }
            double v = objective.bias()[0];
            for (int o = 0; o < outputs; o++) {
                v += w[o] * z[k][o];
            }
            assertTrue(v >= bound, "seed " + seed + ": bound " + bound + " above objective " + v);
            if (at.model() == ArithmeticModel.FLOAT32) {
                for (Float32BoundsContainmentTest.Order order : Float32BoundsContainmentTest.Order.values()) {
                    double[][] zf = Float32BoundsContainmentTest.evalFloat(chain, x, order, rnd);
                    double vf = objective.bias()[0];
                    for (int o = 0; o < outputs; o++) {
                        vf += w[o] * zf[k][o];
                    }
                    // The objective's own sum in double: within 1e-12 of exact for these sizes.
                    assertTrue(vf >= bound - 1e-12 * (1 + Math.abs(vf)),
                            "seed " + seed + ": bound " + bound + " above float32 objective " + vf + " (" + order + ")");
                }
            }
        }
    }

    /**
     * A child node that starts from its parent's end (α, β and the planes' θ and m, {@link SubstitutedStart}) gets a
     * bound below the objective on its own region, and the start carries the planes' weights.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void childStartingFromItsParentsPlanesStaysBelowTheObjective(long seed) {
        Random rnd = new Random(seed * 37 + 11);
        ReluChain chain = ReluChain.of(network(rnd, rnd.nextBoolean(), rnd.nextBoolean() ? 1.5 : 0.3));
        AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.on(rnd, chain, 0, 2);
        if (at.node().infeasible()) {
            return;
        }
        int outputs = chain.outputSize();
        double[] w = BoundSoundnessTest.gaussian(rnd, outputs, 1.0);
        AffineMap objective = AffineMap.fromDense(1, outputs, w, new double[] {rnd.nextGaussian()});
        AlphaBetaOptimizer opt = new AlphaBetaOptimizer(at.model(), () -> false, false, true);
        AlphaBetaOptimizer.Result parent = opt.lowerBound(chain, at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 30);
        assertTrue(parent.end() != null && parent.end().substituted() != null, "seed " + seed + ": no planes in the start");
        ReluSplits splits = at.splits();
        NetworkBounds node = at.node();
        int k = chain.reluLayerCount();
        for (int layer = 0; layer < k && splits == at.splits(); layer++) {
            for (int n = 0; n < chain.width(layer); n++) {
                if (node.isUnstable(layer, n)) {
                    ReluPhase phase = rnd.nextBoolean() ? ReluPhase.ACTIVE : ReluPhase.INACTIVE;
                    splits = splits.with(layer, n, phase);
                    node = at.sym().propagate(chain, at.lo(), at.hi(), splits, node.withSplit(layer, n, phase), layer + 1);
                    break;
                }
            }
        }
        if (node.infeasible()) {
            return;
        }
        double child = opt.lowerBound(chain, node, splits, at.lo(), at.hi(), objective, 0, 30, parent.end(),
                Double.POSITIVE_INFINITY).lower();
        for (int s = 0; s < 300; s++) {
            double[] x = Float32Evaluation.roundInto(BoundSoundnessTest.sample(rnd, at.lo(), at.hi(), s), at.lo(), at.hi());
            double[][] z = chain.preActivations(x);
            if (!AlphaBetaOptimizerTest.satisfiesSplits(splits, z)) {
                continue;
            }
            double v = objective.bias()[0];
            for (int o = 0; o < outputs; o++) {
                v += w[o] * z[k][o];
            }
            assertTrue(v >= child, "seed " + seed + ": child's bound " + child + " above objective " + v);
        }
    }

    /**
     * Each plane alone (θ = 0, random weights m, of them many 0 or 1, which make it touch the ReLU at vertices) lies
     * above the ReLU of the second layer's pre-activation evaluated exactly and in float32 in every order, at vertices
     * and interior points of the box: the first layer all active, so the plane is over the inputs and its float32
     * allowance is what keeps the evaluations below it.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyPlaneLiesAboveItsEvaluatedRelu(long seed) {
        Random rnd = new Random(seed * 13 + 7);
        ReluChain chain = ReluChain.of(network(rnd, rnd.nextBoolean(), rnd.nextBoolean() ? 3.0 : 0.3));
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        AlphaBetaOptimizerTest.randomBox(rnd, lo, hi);
        SymbolicPropagator sym = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32);
        NetworkBounds node = sym.propagate(chain, lo, hi);
        SubstitutedPlanes planes = new SubstitutedPlanes(chain, node, lo, hi);
        double[] l1 = node.lower(1), u1 = node.upper(1);
        for (int q = 0; q < l1.length; q++) {
            if (!(l1[q] < 0 && u1[q] > 0)) {
                continue;
            }
            double slope = u1[q] / (u1[q] - l1[q]);
            double[] m = planes.planeWeights(1, q, slope);
            for (int c = 0; c < m.length; c++) {
                int pick = rnd.nextInt(3);
                m[c] = pick == 0 ? 0.0 : pick == 1 ? 1.0 : rnd.nextDouble();
            }
            planes.setTheta(1, q, 0.0);
            planes.clear();
            double[] constant = new double[1], mag = new double[1];
            // λ = −1: the constant and coefficients are those of −plane; θ = 0 puts nothing on the triangle.
            double onTriangle = planes.relax(1, q, -1.0, slope, l1[q], constant, mag);
            assertTrue(onTriangle == 0.0, "θ = 0 leaves the triangle out");
            for (int s = 0; s < 200; s++) {
                double[] x = Float32Evaluation.roundInto(BoundSoundnessTest.sample(rnd, lo, hi, s), lo, hi);
                double[][] zExact = chain.preActivations(x);
                List<double[][]> evaluations = new ArrayList<>();
                evaluations.add(zExact);
                for (Float32BoundsContainmentTest.Order order : Float32BoundsContainmentTest.Order.values()) {
                    evaluations.add(Float32BoundsContainmentTest.evalFloat(chain, x, order, rnd));
                }
                for (double[][] z : evaluations) {
                    double plane = -constant[0];
                    for (int c = 0; c < n; c++) {
                        plane -= planes.inputCoef[c] * x[c];
                    }
                    for (int c = 0; c < z[0].length; c++) {
                        plane -= planes.layerCoef[0][c] * Math.max(0.0, z[0][c]);
                    }
                    double relu = Math.max(0.0, z[1][q]);
                    assertTrue(plane >= relu - 1e-14 * (1 + mag[0]),
                            "seed " + seed + ", neuron " + q + ": plane " + plane + " below the ReLU " + relu);
                }
            }
        }
    }

    /**
     * A convolutional first layer whose neurons are mostly stable (a bias that keeps most of them active): the
     * planes see through them to the inputs, and beat the triangle's α,β bound on most networks.
     */
    @Test
    void planesBeatTheTriangleWhereTheFirstLayerIsMostlyStable() {
        int better = 0, worse = 0, cases = 0;
        for (long seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed * 29 + 3);
            ReluChain chain = ReluChain.of(network(rnd, true, 1.5));
            AlphaBetaOptimizerTest.SplitNode at = AlphaBetaOptimizerTest.SplitNode.on(rnd, chain, 0, 2);
            if (at.node().infeasible() || at.node().unstableCount(1) == 0) {
                continue;
            }
            double[] w = BoundSoundnessTest.gaussian(rnd, chain.outputSize(), 1.0);
            AffineMap objective = AffineMap.fromDense(1, chain.outputSize(), w, new double[] {rnd.nextGaussian()});
            double triangle = new AlphaBetaOptimizer(at.model(), () -> false, false, false)
                    .lowerBound(chain, at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 40).lower();
            double planes = new AlphaBetaOptimizer(at.model(), () -> false, false, true)
                    .lowerBound(chain, at.node(), at.splits(), at.lo(), at.hi(), objective, 0, 40).lower();
            cases++;
            double scale = 1e-6 * (1 + Math.abs(triangle));
            if (planes > triangle + scale) {
                better++;
            } else if (planes < triangle - scale) {
                worse++;
            }
        }
        assertTrue(cases >= 100, "only " + cases + " networks with an unstable second layer");
        assertTrue(better >= cases / 3, "planes beat the triangle on " + better + " of " + cases + " (worse on " + worse + ")");
        assertTrue(worse <= cases / 20, "planes below the triangle's α,β on " + worse + " of " + cases);
    }

    /**
     * Two or three ReLU layers, weights and biases float32 values: a dense or convolutional first layer (bias
     * {@code firstBias} on average: positive biases keep its neurons active), then one or two dense layers.
     */
    static Network network(Random rnd, boolean conv, double firstBias) {
        List<Operation> layers = new ArrayList<>();
        Shape in;
        int width;
        if (conv) {
            int c = 1 + rnd.nextInt(2), h = 4 + rnd.nextInt(3), wd = 4 + rnd.nextInt(3);
            in = Shape.chw(c, h, wd);
            int oc = 1 + rnd.nextInt(3), k = 2 + rnd.nextInt(2), s = 1 + rnd.nextInt(2), p = rnd.nextInt(2);
            Window2d win = Window2d.square(k, s, p);
            layers.add(new Conv2d(c, oc, win, floats(BoundSoundnessTest.gaussian(rnd, oc * c * k * k, 1.0 / k)),
                    floats(shifted(rnd, oc, firstBias))));
            layers.add(new Relu());
            layers.add(new Flatten(rnd.nextBoolean() ? FlattenOrder.NCHW : FlattenOrder.NHWC));
            width = oc * win.outHeight(h) * win.outWidth(wd);
        } else {
            int inputs = 2 + rnd.nextInt(5);
            in = Shape.flat(inputs);
            width = 3 + rnd.nextInt(6);
            layers.add(new Dense(inputs, width, floats(BoundSoundnessTest.gaussian(rnd, inputs * width, 1.0 / Math.sqrt(inputs))),
                    floats(shifted(rnd, width, firstBias))));
            layers.add(new Relu());
        }
        int hidden = 1 + rnd.nextInt(2);
        for (int i = 0; i < hidden; i++) {
            int next = 2 + rnd.nextInt(6);
            layers.add(new Dense(width, next, floats(BoundSoundnessTest.gaussian(rnd, width * next, 1.0 / Math.sqrt(width))),
                    floats(BoundSoundnessTest.gaussian(rnd, next, 0.3))));
            layers.add(new Relu());
            width = next;
        }
        int out = 2 + rnd.nextInt(3);
        layers.add(new Dense(width, out, floats(BoundSoundnessTest.gaussian(rnd, width * out, 1.0)),
                floats(BoundSoundnessTest.gaussian(rnd, out, 0.3))));
        return new Network("random", in, InputDomain.uniform(in.size(), -1, 1), layers);
    }

    private static double[] shifted(Random rnd, int n, double mean) {
        double[] v = BoundSoundnessTest.gaussian(rnd, n, 0.3);
        for (int i = 0; i < n; i++) {
            v[i] += mean;
        }
        return v;
    }

    private static double[] floats(double[] v) {
        double[] f = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
