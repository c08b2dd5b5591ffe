package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.bounds.IntervalPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.tighten.SignSearch;
import org.certus.tighten.UnstableWitnesses;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BranchAndBoundSignSearch} as the complete stage of {@link UnstableWitnesses}: on small random
 * networks, against brute force over phase patterns of the network cut after each neuron, every neuron that
 * takes both signs gets witnesses of both and every neuron that interval bounds leave unstable but that is
 * stable is proved so; on a convolutional network, its inputs give the neuron it was asked about the sign.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BranchAndBoundSignSearchTest {
    /** Extremes closer to zero than this are left out: there the LP solver's tolerance decides. */
    private static final double AMBIGUOUS = 1e-6;

    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void witnessesAndProofsMatchBruteForce(long seed) {
        Random rnd = new Random(seed);
        int inputs = 2 + rnd.nextInt(3);
        Network net = BruteForceAgreementTest.randomNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[][] box = BruteForceAgreementTest.randomBox(rnd, inputs);
        double[] lo = box[0];
        double[] hi = box[1];
        NetworkBounds loose = new IntervalPropagator().propagate(chain, lo, hi);
        // No attack at all: every sign the random corners miss goes to branch and bound.
        UnstableWitnesses.Result w = new UnstableWitnesses(1, 0, 0, seed,
                new BranchAndBoundSignSearch(SearchOptions.defaults().withThreads(1)), Duration.ofSeconds(30)).find(chain, lo, hi, loose);
        for (int i = 0; i < chain.reluLayerCount(); i++) {
            for (int j = 0; j < chain.width(i); j++) {
                if (!loose.isUnstable(i, j)) {
                    continue;
                }
                // Brute force over the network cut before layer i: the extremes of output j.
                ReluChain cut = ReluChain.of(NeuronSearchTightening.cutBefore(ReluChain.of(net), i));
                double max = -PhasePatternOracle.minMargin(cut, lo, hi, List.of(pick(cut, j, -1)));
                double min = PhasePatternOracle.minMargin(cut, lo, hi, List.of(pick(cut, j, 1)));
                String where = "seed " + seed + " layer " + i + " neuron " + j + ": exact [" + min + ", " + max + "]";
                if (min < -AMBIGUOUS && max > AMBIGUOUS) {
                    assertTrue(w.bothSigns(i, j), "takes both signs but not witnessed: " + where);
                    assertTrue(chain.preActivations(w.positiveWitness(i, j))[i][j] > 0, where);
                    assertTrue(chain.preActivations(w.negativeWitness(i, j))[i][j] < 0, where);
                    assertFalse(w.provedStable(i, j), where);
                } else if (min > AMBIGUOUS || max < -AMBIGUOUS) {
                    assertTrue(w.provedStable(i, j), "stable but not proved so: " + where);
                    assertFalse(w.bothSigns(i, j), where);
                }
            }
        }
    }

    private static AffineMap pick(ReluChain chain, int output, double coefficient) {
        double[] w = new double[chain.outputSize()];
        w[output] = coefficient;
        return AffineMap.fromDense(1, w.length, w, new double[] {0});
    }

    /**
     * mnist-wk17a (two convolutions, one dense layer), sample 7 at ε = 0.1, LP bounds: the sign search decides a
     * convolutional neuron's sign in the numbering of {@link ReluChain} — its witness gives that neuron the sign.
     */
    @Test
    void decidesConvolutionalNeuronsInTheChainsNumbering() {
        Network net = NetworkLoader.load("mnist-wk17a");
        ReluChain chain = ReluChain.of(net);
        double[] x = Datasets.load("mnist").image(7);
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = Math.max(0, x[i] - 0.1);
            hi[i] = Math.min(1, x[i] + 0.1);
        }
        NetworkBounds b = new IntervalPropagator().propagate(chain, lo, hi);
        BranchAndBoundSignSearch search = new BranchAndBoundSignSearch();
        int checked = 0;
        for (int layer = 0; layer < 2; layer++) {
            for (int j = 0; j < chain.width(layer) && checked < 4 * (layer + 1); j++) {
                if (!b.isUnstable(layer, j)) {
                    continue;
                }
                for (boolean positive : new boolean[] {true, false}) {
                    SignSearch.Outcome o = search.search(chain, lo, hi, b, layer, j, positive, Duration.ofSeconds(30));
                    if (o.input() != null) {
                        double z = chain.preActivations(o.input())[layer][j];
                        assertTrue(positive ? z >= 0 : z <= 0, "layer " + layer + " neuron " + j + " z = " + z);
                    } else {
                        assertTrue(o.impossible(), "layer " + layer + " neuron " + j + " undecided");
                    }
                }
                checked++;
            }
        }
        assertEquals(8, checked, "four unstable neurons in each convolutional layer");
    }
}
