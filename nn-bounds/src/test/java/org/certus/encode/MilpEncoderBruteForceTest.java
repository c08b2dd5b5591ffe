package org.certus.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.milp.LpResult;
import org.certus.milp.LpSolver;
import org.certus.milp.ModelBuilder;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.certus.spec.Conjunction;
import org.certus.spec.LinearConstraint;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MILP's optimum equals two independent oracles on small random networks:
 * <ol>
 *   <li>brute force over the encoding's own binaries: every phase pattern (and disjunct choice) fixed
 *       in the LP relaxation, best feasible LP value — exact because with all binaries fixed the
 *       big-M constraints are exact;</li>
 *   <li>explicit enumeration of the network's linear regions, built from the weights without the
 *       encoder: for every sign pattern of every ReLU, the LP over the inputs in which that pattern
 *       holds and the network is the corresponding affine map.</li>
 * </ol>
 * Sampling adds a third check (no sampled margin beats the optimum), and the optimum's input is
 * re-evaluated by a forward pass. ojAlgo's MIP solver is deliberately not used as an oracle.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MilpEncoderBruteForceTest {
    /** LP optima agree to this (absolute + relative); values are of order 1. */
    private static final double TOL = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    private record Case(ReluChain chain, double[] lo, double[] hi, double[] center, int label, NetworkBounds bounds,
                        OutputCondition unsafe) {
    }

    private static Case randomCase(long seed, double radius) {
        Random rnd = new Random(seed);
        int inputs = 2 + rnd.nextInt(2);
        int h1 = 3 + rnd.nextInt(3);
        int h2 = 2 + rnd.nextInt(4);
        int outputs = 3;
        Network net = rnd.nextBoolean() ? RandomNetworks.dense(rnd, inputs, h1, h2, outputs)
                : RandomNetworks.dense(rnd, inputs, h1 + h2, outputs);
        ReluChain chain = ReluChain.of(net);
        double[] c = new double[inputs];
        double[] lo = new double[inputs];
        double[] hi = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            c[i] = rnd.nextDouble() - 0.5;
            lo[i] = Math.max(-1, c[i] - radius);
            hi[i] = Math.min(1, c[i] + radius);
        }
        int label = argmax(chain.evaluate(c));
        NetworkBounds b = new SymbolicPropagator(false).propagate(chain, lo, hi);
        OutputCondition unsafe = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(label, outputs), outputs, 0.0);
        return new Case(chain, lo, hi, c, label, b, unsafe);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void worstMarginEqualsBruteForceAndRegionEnumeration(long seed) {
        Case k = randomCase(seed, 0.4);
        MilpEncoding enc = MilpEncoder.encode(k.chain, k.lo, k.hi, k.bounds, k.unsafe, EncodingObjective.WORST, null);
        assertTrue(enc.indicators().size() <= 12, "seed " + seed);
        BruteForce bf = bruteForce(enc);
        double regions = regionOptimum(k, EncodingObjective.WORST);
        assertTrue(bf.feasible, "seed " + seed + ": worst margin must exist over a non-empty box");
        assertEquals(regions, bf.value, TOL * (1 + Math.abs(regions)), "seed " + seed + ": MILP vs linear regions");
        // The optimum's input, run forward, attains the optimum.
        double[] x = enc.inputOf(bf.solution);
        assertEquals(bf.value, margin(k.chain.evaluate(x), k.unsafe), 1e-5, "seed " + seed + ": optimum input re-evaluated");
        // No sampled point does better.
        Random rnd = new Random(seed ^ 0x5eed);
        for (int s = 0; s < 2000; s++) {
            double[] p = new double[k.lo.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = k.lo[i] + rnd.nextDouble() * (k.hi[i] - k.lo[i]);
            }
            double m = margin(k.chain.evaluate(p), k.unsafe);
            assertTrue(m <= bf.value + 1e-6, "seed " + seed + ": sample beats the optimum: " + m + " > " + bf.value);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void closestLinfEqualsBruteForceAndRegionEnumeration(long seed) {
        Case k = randomCase(seed + 1000, 0.6);
        MilpEncoding enc = MilpEncoder.encode(k.chain, k.lo, k.hi, k.bounds, k.unsafe, EncodingObjective.CLOSEST, k.center);
        assertTrue(enc.indicators().size() <= 12, "seed " + seed);
        BruteForce bf = bruteForce(enc);
        double regions = regionOptimum(k, EncodingObjective.CLOSEST);
        assertEquals(Double.isNaN(regions), !bf.feasible, "seed " + seed + ": feasibility differs (regions " + regions + ")");
        if (bf.feasible) {
            assertEquals(regions, bf.value, TOL * (1 + Math.abs(regions)), "seed " + seed + ": MILP vs linear regions");
            double[] x = enc.inputOf(bf.solution);
            double dist = 0;
            for (int i = 0; i < x.length; i++) {
                dist = Math.max(dist, Math.abs(x[i] - k.center[i]));
            }
            assertEquals(bf.value, dist, 1e-6, "seed " + seed);
            assertTrue(margin(k.chain.evaluate(x), k.unsafe) >= -1e-5, "seed " + seed + ": closest point is not adversarial");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void feasibilityAgreesWithWorstMarginSign(long seed) {
        Case k = randomCase(seed + 2000, 0.3);
        MilpEncoding feas = MilpEncoder.encode(k.chain, k.lo, k.hi, k.bounds, k.unsafe, EncodingObjective.FEASIBILITY, null);
        double regions = regionOptimum(k, EncodingObjective.WORST);
        BruteForce bf = bruteForce(feas);
        if (regions > 1e-7) {
            assertTrue(bf.feasible, "seed " + seed + ": adversarial region exists, encoding infeasible");
        } else if (regions < -1e-7) {
            assertFalse(bf.feasible, "seed " + seed + ": robust, encoding feasible");
        }
        if (feas.triviallyInfeasible()) {
            assertTrue(regions < 1e-7, "seed " + seed + ": bounds eliminated every target of a non-robust case");
        }
    }

    private record BruteForce(boolean feasible, double value, double[] solution) {
    }

    /** Best LP value over every 0/1 assignment of the encoding's phase binaries and one-hot disjunct choice. */
    static BruteForce bruteForce(MilpEncoding enc) {
        LpSolver lp = new OjAlgoLpSolver(enc.model());
        List<PhaseIndicator> ind = enc.indicators();
        int n = ind.size();
        int[] d = enc.disjunctVariables();
        int choices = Math.max(1, d.length);
        boolean maximise = enc.objective() == EncodingObjective.WORST;
        double best = Double.NaN;
        double[] arg = null;
        for (int c = 0; c < choices; c++) {
            for (int q = 0; q < d.length; q++) {
                lp.setVariableBounds(d[q], q == c ? 1 : 0, q == c ? 1 : 0);
            }
            for (long pattern = 0; pattern < (1L << n); pattern++) {
                for (int j = 0; j < n; j++) {
                    double bit = (pattern >> j) & 1;
                    lp.setVariableBounds(ind.get(j).variable(), bit, bit);
                }
                LpResult r = lp.solve();
                if (!r.isOptimal()) {
                    continue;
                }
                double v = r.objectiveValue();
                if (Double.isNaN(best) || (maximise ? v > best : v < best)) {
                    best = v;
                    arg = r.primal();
                }
            }
        }
        return new BruteForce(!Double.isNaN(best), best, arg);
    }

    /**
     * The optimum over the network's linear regions, from the weights alone: for every sign pattern
     * of every ReLU and every disjunct, one LP over (x, s) or (x, t). NaN when no region is feasible.
     */
    static double regionOptimum(Case k, EncodingObjective objective) {
        ReluChain chain = k.chain;
        int layers = chain.reluLayerCount();
        int n = chain.reluCount();
        int in = chain.inputSize();
        boolean maximise = objective == EncodingObjective.WORST;
        double best = Double.NaN;
        for (long pattern = 0; pattern < (1L << n); pattern++) {
            // Affine map of the region: Z (rows x in) and c, layer by layer.
            ModelBuilder base = new ModelBuilder();
            int[] xs = new int[in];
            for (int i = 0; i < in; i++) {
                xs[i] = base.addContinuous(k.lo[i], k.hi[i]);
            }
            double[][] w = identity(in);
            double[] b = new double[in];
            int bit = 0;
            for (int layer = 0; layer <= layers; layer++) {
                AffineMap a = chain.affine(layer);
                double[] dense = a.toDense();
                int rows = a.rows();
                double[][] nw = new double[rows][in];
                double[] nb = new double[rows];
                for (int r = 0; r < rows; r++) {
                    nb[r] = a.bias()[r];
                    for (int c = 0; c < a.cols(); c++) {
                        double coef = dense[r * a.cols() + c];
                        nb[r] += coef * b[c];
                        for (int i = 0; i < in; i++) {
                            nw[r][i] += coef * w[c][i];
                        }
                    }
                }
                if (layer < layers) {
                    for (int r = 0; r < rows; r++) {
                        boolean active = ((pattern >> bit++) & 1) == 1;
                        // active: z >= 0, inactive: z <= 0
                        base.addConstraint(active ? -nb[r] : Double.NEGATIVE_INFINITY, xs, nw[r],
                                active ? Double.POSITIVE_INFINITY : -nb[r]);
                        if (!active) {
                            nw[r] = new double[in];
                            nb[r] = 0;
                        }
                    }
                }
                w = nw;
                b = nb;
            }
            for (Conjunction conj : k.unsafe.disjuncts()) {
                ModelBuilder mb = copy(base, in, k.lo, k.hi, chain, pattern);
                int extra = mb.addContinuous(objective == EncodingObjective.WORST ? -1e3 : 0, 1e3);
                for (LinearConstraint row : conj.constraints()) {
                    double[] coef = new double[in + 1];
                    double cst = 0;
                    for (int o = 0; o < row.coefficients().length; o++) {
                        cst += row.coefficients()[o] * b[o];
                        for (int i = 0; i < in; i++) {
                            coef[i] += row.coefficients()[o] * w[o][i];
                        }
                    }
                    coef[in] = objective == EncodingObjective.WORST ? 1.0 : 0.0;
                    mb.addConstraint(Double.NEGATIVE_INFINITY, allVars(in + 1), coef, row.rhs() - cst);
                }
                if (objective == EncodingObjective.CLOSEST) {
                    for (int i = 0; i < in; i++) {
                        mb.addConstraint(Double.NEGATIVE_INFINITY, new int[] {i, extra}, new double[] {1, -1}, k.center[i]);
                        mb.addConstraint(k.center[i], new int[] {i, extra}, new double[] {1, 1}, Double.POSITIVE_INFINITY);
                    }
                }
                mb.setObjective(maximise ? Sense.MAXIMIZE : Sense.MINIMIZE, new int[] {extra}, new double[] {1}, 0);
                LpResult r = new OjAlgoLpSolver(mb.build()).solve();
                if (r.isOptimal()) {
                    double v = r.objectiveValue();
                    if (Double.isNaN(best) || (maximise ? v > best : v < best)) {
                        best = v;
                    }
                }
            }
        }
        return best;
    }

    /** Rebuilds the region's constraints in a fresh builder (ModelBuilder has no copy). */
    private static ModelBuilder copy(ModelBuilder base, int in, double[] lo, double[] hi, ReluChain chain, long pattern) {
        org.certus.milp.Model m = base.build();
        ModelBuilder mb = new ModelBuilder();
        for (int i = 0; i < in; i++) {
            mb.addContinuous(lo[i], hi[i]);
        }
        for (int r = 0; r < m.numConstraints(); r++) {
            mb.addConstraint(m.constraintLower(r), m.rowIndices(r), m.rowCoefficients(r), m.constraintUpper(r));
        }
        return mb;
    }

    private static int[] allVars(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /** max over disjuncts of min over rows of (rhs − c·y). */
    static double margin(double[] y, OutputCondition unsafe) {
        double best = Double.NEGATIVE_INFINITY;
        for (Conjunction conj : unsafe.disjuncts()) {
            double m = Double.POSITIVE_INFINITY;
            for (LinearConstraint row : conj.constraints()) {
                double cy = 0;
                for (int o = 0; o < y.length; o++) {
                    cy += row.coefficients()[o] * y[o];
                }
                m = Math.min(m, row.rhs() - cy);
            }
            best = Math.max(best, m);
        }
        return best;
    }

    static int argmax(double[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }
}
