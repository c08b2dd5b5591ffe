package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.ArithmeticModel;
import org.certus.tighten.LpTightening;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-neuron search tightening against brute force: on random networks with at most 12 ReLUs every
 * neuron's exact range over the box (one LP per phase pattern of the network cut before it,
 * {@link PhasePatternOracle}) lies within the tightened bounds, and a neuron left unstable by searches
 * that all finished is truly unstable; in FLOAT32 mode the bounds contain double and float32
 * evaluations of sampled inputs; with the root tightening's gap, a truly unstable neuron's bounds are within
 * that fraction of its width of its exact range; bounds are never looser than their start; and the tests do not pass
 * vacuously (the search tightens beyond LP on some network).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NeuronSearchTighteningTest {
    /** How far the oracle's LP optima may be from the exact extremes (ojAlgo on tiny, well-scaled LPs). */
    static final double ORACLE_TOLERANCE = 1e-6;
    /** A neuron counts as truly unstable for the gap check when its exact range reaches this far past zero both ways. */
    static final double GAP_CHECK_MARGIN = 1e-4;
    static final Duration NEURON_LIMIT = Duration.ofSeconds(5);
    static final Duration BUDGET = Duration.ofSeconds(60);

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /** 2–3 hidden layers, 2–4 ReLUs each, at most 12 in all; inputs in [−1, 1]. */
    static Network randomDeepNetwork(Random rnd, int inputs, double scale) {
        return randomDeepNetwork(rnd, inputs, scale, 2, 2, 2, 3);
    }

    /** {@code leastHidden + [0, hiddenChoices)} hidden layers of {@code leastWidth + [0, widthChoices)} ReLUs each, two outputs. */
    static Network randomDeepNetwork(Random rnd, int inputs, double scale, int leastHidden, int hiddenChoices, int leastWidth,
                                     int widthChoices) {
        List<Operation> layers = new ArrayList<>();
        int width = inputs;
        int hidden = leastHidden + rnd.nextInt(hiddenChoices);
        for (int i = 0; i < hidden; i++) {
            int next = leastWidth + rnd.nextInt(widthChoices);
            layers.add(new Dense(width, next, BruteForceAgreementTest.gaussian(rnd, width * next, scale * 1.2 / Math.sqrt(width)),
                    BruteForceAgreementTest.gaussian(rnd, next, scale * 0.3)));
            layers.add(new Relu());
            width = next;
        }
        layers.add(new Dense(width, 2, BruteForceAgreementTest.gaussian(rnd, width * 2, 1.0), BruteForceAgreementTest.gaussian(rnd, 2, 0.3)));
        return new Network("random-deep", Shape.flat(inputs), InputDomain.uniform(inputs, -1, 1), layers);
    }

    static double[][] randomBox(Random rnd, int n) {
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            double c = -0.8 + 1.6 * rnd.nextDouble();
            double r = 0.05 + 0.5 * rnd.nextDouble();
            lo[i] = Math.max(-1, c - r);
            hi[i] = Math.min(1, c + r);
        }
        return new double[][] {lo, hi};
    }

    private static AffineMap unit(int width, int j, double sign) {
        return new AffineMap(1, width, new int[] {0, 1}, new int[] {j}, new double[] {sign}, new double[] {0.0});
    }

    private static void assertNotLooser(NetworkBounds b, NetworkBounds start, String where) {
        for (int i = 0; i < b.layerCount(); i++) {
            for (int j = 0; j < b.lower(i).length; j++) {
                assertTrue(b.lower(i)[j] >= start.lower(i)[j] && b.upper(i)[j] <= start.upper(i)[j],
                        where + ": looser at layer " + i + " neuron " + j);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exactRangesLieWithinAndUnstableMeansUnstable(long seed) {
        exactRanges(seed, Double.NaN);
    }

    /** The same with the root tightening's stopping rule: minimise to within a fraction of the width. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exactRangesLieWithinWhenMinimisingToAGap(long seed) {
        exactRanges(seed, NeuronSearchTightening.ROOT_GAP_FRACTION);
    }

    /**
     * The same with each layer's time shared out by the neurons' scores in a random objective over the
     * outputs (as the search's root tightening does with the property's open rows); seeds alternate between
     * the default share and sharing everything by score.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exactRangesLieWithinWithScorePriority(long seed) {
        exactRanges(seed, NeuronSearchTightening.ROOT_GAP_FRACTION, seed % 2 == 0 ? NeuronSearchTightening.PRIORITY_SHARE : 1.0);
    }

    private void exactRanges(long seed, double gapFraction) {
        exactRanges(seed, gapFraction, Double.NaN);
    }

    /** @param priorityShare NaN: no priority objective */
    private void exactRanges(long seed, double gapFraction, double priorityShare) {
        Random rnd = new Random(seed);
        int inputs = 1 + rnd.nextInt(3);
        Network net = randomDeepNetwork(rnd, inputs, 1.0);
        ReluChain chain = ReluChain.of(net);
        double[][] box = randomBox(rnd, inputs);
        NetworkBounds start = new SymbolicPropagator(false, null, ArithmeticModel.REAL).propagate(chain, box[0], box[1]);
        NeuronSearchTightening t = new NeuronSearchTightening(NEURON_LIMIT, BUDGET, false, ArithmeticModel.REAL, 20, new CancelToken(),
                gapFraction);
        if (!Double.isNaN(priorityShare)) {
            int outputs = chain.outputSize();
            AffineMap objective = AffineMap.fromDense(2, outputs, BruteForceAgreementTest.gaussian(rnd, 2 * outputs, 1.0),
                    BruteForceAgreementTest.gaussian(rnd, 2, 0.3));
            t = t.withPriority(objective, priorityShare);
        }
        NetworkBounds b = t.tighten(net, box[0], box[1], start);
        String where = "seed " + seed + " gap " + gapFraction + " priority share " + priorityShare;
        assertNotLooser(b, start, where);
        NeuronSearchTightening.Statistics s = t.lastStatistics();
        assertEquals(0, s.skippedForTime(), where + ": budget too small for the test");
        for (int i = 1; i < chain.reluLayerCount(); i++) {
            ReluChain cut = ReluChain.of(NeuronSearchTightening.cutBefore(ReluChain.of(net), i));
            assertEquals(i, cut.reluLayerCount(), where);
            for (int j = 0; j < chain.width(i); j++) {
                double max = -PhasePatternOracle.minMargin(cut, box[0], box[1], List.of(unit(chain.width(i), j, -1.0)));
                double min = PhasePatternOracle.minMargin(cut, box[0], box[1], List.of(unit(chain.width(i), j, 1.0)));
                assertTrue(b.upper(i)[j] >= max - ORACLE_TOLERANCE && b.lower(i)[j] <= min + ORACLE_TOLERANCE,
                        where + ": layer " + i + " neuron " + j + " exact range [" + min + ", " + max + "] not within ["
                                + b.lower(i)[j] + ", " + b.upper(i)[j] + "]");
                double width = start.upper(i)[j] - start.lower(i)[j];
                if (s.hitLimit() == 0 && !Double.isNaN(gapFraction) && max > GAP_CHECK_MARGIN && min < -GAP_CHECK_MARGIN) {
                    // Truly unstable both ways: each search found an input on the other side and, having finished,
                    // proved its bound to within the gap of the best input, which is no better than the exact extreme.
                    double slack = gapFraction * width + ORACLE_TOLERANCE;
                    assertTrue(b.upper(i)[j] <= max + slack && b.lower(i)[j] >= min - slack, where + ": layer " + i + " neuron " + j
                            + " bounds [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "] farther than " + gapFraction + " of the width "
                            + width + " from the exact range [" + min + ", " + max + "]");
                }
                if (s.hitLimit() == 0 && b.lower(i)[j] < 0 && b.upper(i)[j] > 0) {
                    // Every search ended by a proof or an input on the other side: left unstable = unstable.
                    assertTrue(max >= -ORACLE_TOLERANCE && min <= ORACLE_TOLERANCE, where + ": layer " + i + " neuron " + j
                            + " left unstable but its exact range is [" + min + ", " + max + "]");
                }
            }
        }
    }

    /** FLOAT32 mode: double and float32 evaluations of sampled inputs (and box corners) lie within the bounds. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void float32BoundsContainEvaluations(long seed) {
        Random rnd = new Random(1000 + seed);
        int inputs = 1 + rnd.nextInt(3);
        // Large weights make float32 rounding visible next to the bounds.
        Network net = randomDeepNetwork(rnd, inputs, seed % 2 == 0 ? 1.0 : 300.0);
        ReluChain chain = ReluChain.of(net);
        double[][] box = randomBox(rnd, inputs);
        NetworkBounds start = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32).propagate(chain, box[0], box[1]);
        // Seeds 2, 3 mod 4 minimise to the root tightening's gap, the others stop at the first input on the other side.
        double gap = seed % 4 >= 2 ? NeuronSearchTightening.ROOT_GAP_FRACTION : Double.NaN;
        NetworkBounds b = new NeuronSearchTightening(Duration.ofSeconds(1), BUDGET, false, ArithmeticModel.FLOAT32, 20, new CancelToken(), gap)
                .tighten(net, box[0], box[1], start);
        String where = "seed " + seed;
        assertNotLooser(b, start, where);
        Float32Evaluation[] cuts = new Float32Evaluation[chain.reluLayerCount()];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = new Float32Evaluation(NeuronSearchTightening.cutBefore(ReluChain.of(net), i));
        }
        for (int k = 0; k < 300; k++) {
            double[] x = new double[inputs];
            for (int d = 0; d < inputs; d++) {
                double u = k < (1 << inputs) ? ((k >> d) & 1) : rnd.nextDouble();
                x[d] = box[0][d] + u * (box[1][d] - box[0][d]);
            }
            double[] xf = Float32Evaluation.roundInto(x, box[0], box[1]);
            double[][] zd = chain.preActivations(xf);
            for (int i = 0; i < cuts.length; i++) {
                double[] zf = cuts[i].evaluate(xf);
                for (int j = 0; j < zf.length; j++) {
                    assertTrue(zf[j] >= b.lower(i)[j] && zf[j] <= b.upper(i)[j], where + ": float32 z[" + i + "][" + j + "] = " + zf[j]
                            + " not in [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "]");
                    assertTrue(zd[i][j] >= b.lower(i)[j] && zd[i][j] <= b.upper(i)[j], where + ": double z[" + i + "][" + j + "] = "
                            + zd[i][j] + " not in [" + b.lower(i)[j] + ", " + b.upper(i)[j] + "]");
                }
            }
        }
    }

    /**
     * Not vacuous: on some network the search settles or narrows a neuron that LP tightening left unstable. Against
     * the LP relaxation without its splitting stage, which is itself a branch and bound and exact on networks this small.
     */
    @Test
    void tightensBeyondLpOnSomeNetwork() {
        int better = 0;
        for (long seed = 0; seed < 40 && better == 0; seed++) {
            Random rnd = new Random(seed);
            int inputs = 1 + rnd.nextInt(3);
            Network net = randomDeepNetwork(rnd, inputs, 1.0);
            ReluChain chain = ReluChain.of(net);
            double[][] box = randomBox(rnd, inputs);
            NetworkBounds lp = new LpTightening(Duration.ofSeconds(30), false).withSplits(false).propagate(chain, box[0], box[1]);
            NetworkBounds b = new NeuronSearchTightening(NEURON_LIMIT, BUDGET, false, ArithmeticModel.REAL, 20, new CancelToken())
                    .tighten(net, box[0], box[1], lp);
            for (int i = 1; i < chain.reluLayerCount(); i++) {
                for (int j = 0; j < chain.width(i); j++) {
                    if (b.upper(i)[j] < lp.upper(i)[j] - 1e-6 || b.lower(i)[j] > lp.lower(i)[j] + 1e-6) {
                        better++;
                    }
                }
            }
        }
        assertTrue(better > 0, "search tightening improved no LP bound on 40 random networks");
    }

    /**
     * A probe ({@link NeuronSearchTightening#withProbe}) is asked before each hidden layer after the first, sees
     * bounds that contain every neuron's exact range, and when it settles the query the tightening returns exactly
     * the bounds it saw, having searched only the layers before (checked on the three-layer networks of 40 seeds).
     */
    @Test
    void aProbeSeesSoundBoundsAndSettlingEndsTheTightening() {
        int cases = 0;
        for (long seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            int inputs = 1 + rnd.nextInt(3);
            Network net = randomDeepNetwork(rnd, inputs, 1.0);
            ReluChain chain = ReluChain.of(net);
            if (chain.reluLayerCount() != 3) {
                continue;
            }
            cases++;
            double[][] box = randomBox(rnd, inputs);
            NetworkBounds start = new SymbolicPropagator(false, null, ArithmeticModel.REAL).propagate(chain, box[0], box[1]);
            List<NetworkBounds> seen = new ArrayList<>();
            boolean settle = seed % 2 == 0;
            NeuronSearchTightening t = new NeuronSearchTightening(NEURON_LIMIT, BUDGET, false, ArithmeticModel.REAL, 20,
                    new CancelToken(), NeuronSearchTightening.ROOT_GAP_FRACTION)
                    .withProbe((current, nanos) -> {
                        assertTrue(nanos >= 0, "negative tightening time " + nanos);
                        seen.add(current);
                        return settle;
                    }, System.nanoTime() + BUDGET.toNanos() * 2);
            NetworkBounds b = t.tighten(net, box[0], box[1], start);
            String where = "seed " + seed;
            assertEquals(1, seen.size(), where + ": one probe between the two tightened layers");
            assertEquals(1, t.lastProbes(), where);
            NetworkBounds probed = seen.get(0);
            for (int i = 1; i < chain.reluLayerCount(); i++) {
                ReluChain cut = ReluChain.of(NeuronSearchTightening.cutBefore(chain, i));
                for (int j = 0; j < chain.width(i); j++) {
                    double max = -PhasePatternOracle.minMargin(cut, box[0], box[1], List.of(unit(chain.width(i), j, -1.0)));
                    double min = PhasePatternOracle.minMargin(cut, box[0], box[1], List.of(unit(chain.width(i), j, 1.0)));
                    assertTrue(probed.upper(i)[j] >= max - ORACLE_TOLERANCE && probed.lower(i)[j] <= min + ORACLE_TOLERANCE,
                            where + ": the probe's bounds miss layer " + i + " neuron " + j + "'s exact range");
                }
            }
            int firstLayerSearches = 2 * start.unstableCount(1);
            if (settle) {
                for (int i = 0; i < b.layerCount(); i++) {
                    assertArrayEquals(probed.lower(i), b.lower(i), 0.0, where + ": layer " + i);
                    assertArrayEquals(probed.upper(i), b.upper(i), 0.0, where + ": layer " + i);
                }
                assertTrue(t.lastStatistics().searches() <= firstLayerSearches, where + ": searched past the settling probe");
            }
            assertNotLooser(b, start, where);
        }
        assertTrue(cases >= 10, "only " + cases + " three-layer networks");
    }

    /**
     * The reach is the budget's shortest searches over the unstable neurons of hidden layers 1 … k−1, counted here
     * directly; with a priority over one output, a neuron of the last hidden layer that the output does not read
     * (its weight zeroed) is not counted.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reachSharesTheBudgetOverTheNeuronsItWouldSearch(long seed) {
        Random rnd = new Random(seed);
        int inputs = 1 + rnd.nextInt(3);
        Network random = randomDeepNetwork(rnd, inputs, 1.0);
        List<Operation> layers = new ArrayList<>(random.layers());
        Dense last = (Dense) layers.get(layers.size() - 1);
        double[] w = last.weights();
        w[0] = 0.0; // output 0 no longer reads neuron 0 of the last hidden layer
        layers.set(layers.size() - 1, new Dense(last.inputSize(), last.outputSize(), w, last.bias()));
        Network net = new Network("random-deep", random.inputShape(), random.inputDomain(), layers);
        ReluChain chain = ReluChain.of(net);
        double[][] box = randomBox(rnd, inputs);
        NetworkBounds start = new SymbolicPropagator(false, null, ArithmeticModel.REAL).propagate(chain, box[0], box[1]);
        int k = chain.reluLayerCount();
        long all = 0;
        long read = 0;
        for (int i = 1; i < k; i++) {
            for (int j = 0; j < chain.width(i); j++) {
                boolean unstable = start.lower(i)[j] < 0 && start.upper(i)[j] > 0;
                all += unstable ? 1 : 0;
                read += unstable && !(i == k - 1 && j == 0) ? 1 : 0;
            }
        }
        Duration budget = Duration.ofMillis(300 + rnd.nextInt(3000));
        double searches = budget.toNanos() / (2.0 * NeuronSearchTightening.MIN_SEARCH_NANOS);
        NeuronSearchTightening t = new NeuronSearchTightening(NEURON_LIMIT, budget, false, ArithmeticModel.REAL, 20, new CancelToken());
        String where = "seed " + seed + ": " + all + " unstable, " + read + " read by output 0";
        assertEquals(all, t.searchedNeurons(chain, start), where);
        assertEquals(all == 0 ? Double.POSITIVE_INFINITY : searches / all, t.reach(t.searchedNeurons(chain, start)), 1e-9, where);
        AffineMap outputZero = AffineMap.fromDense(1, chain.outputSize(), new double[] {1, 0}, new double[] {0});
        NeuronSearchTightening p = t.withPriority(outputZero);
        assertEquals(read, p.searchedNeurons(chain, start), where);
        assertEquals(read == 0 ? Double.POSITIVE_INFINITY : searches / read, p.reach(p.searchedNeurons(chain, start)), 1e-9, where);
    }

    @Test
    void neuronsAreTightenedInDecreasingScoreOrder() {
        double[] scores = {0.5, 3.0, 0.0, 3.0, 1.25};
        assertArrayEquals(new int[] {1, 3, 4, 0, 2}, NeuronSearchTightening.byDecreasingScore(new int[] {0, 1, 2, 3, 4}, scores));
        assertArrayEquals(new int[] {4, 0, 2}, NeuronSearchTightening.byDecreasingScore(new int[] {2, 4, 0}, scores));
    }

    @Test
    void priorityShareOutsideTheUnitIntervalIsRejected() {
        NeuronSearchTightening t = new NeuronSearchTightening(NEURON_LIMIT, BUDGET, false, ArithmeticModel.REAL, 20, new CancelToken());
        AffineMap objective = AffineMap.fromDense(1, 2, new double[] {1, -1}, new double[] {0});
        assertThrows(IllegalArgumentException.class, () -> t.withPriority(objective, 1.5));
        assertThrows(IllegalArgumentException.class, () -> t.withPriority(objective, Double.NaN));
    }

    @Test
    void cutNetworkComputesThePreActivations() {
        Random rnd = new Random(7);
        Network net = randomDeepNetwork(rnd, 3, 1.0);
        ReluChain chain = ReluChain.of(net);
        double[] x = {0.1, -0.4, 0.7};
        double[][] z = chain.preActivations(x);
        for (int i = 0; i < chain.reluLayerCount(); i++) {
            assertEquals(java.util.Arrays.toString(z[i]), java.util.Arrays.toString(NeuronSearchTightening.cutBefore(ReluChain.of(net), i).evaluate(x)));
        }
    }
}
