package org.certus.tighten;

import org.certus.bounds.SampledActivations;

import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LP tightening is sound (every sampled activation lies within its bounds) and never looser than
 * symbolic propagation; over all seeds it must also actually tighten something, or the test would
 * pass for an implementation that returns its input.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LpTighteningSoundnessTest {
    static LongStream seeds() {
        return LongStream.range(0, 15);
    }

    private record Result(int improvedNeurons) {
    }

    private static Result check(long seed) {
        Random rnd = new Random(seed);
        int in = 2 + rnd.nextInt(4);
        Network net = RandomNetworks.dense(rnd, in, 6 + rnd.nextInt(6), 6 + rnd.nextInt(6), 4 + rnd.nextInt(6), 3);
        ReluChain chain = ReluChain.of(net);
        double[] lo = new double[in];
        double[] hi = new double[in];
        double radius = 0.1 + 0.3 * rnd.nextDouble();
        for (int i = 0; i < in; i++) {
            double c = 2 * rnd.nextDouble() - 1;
            lo[i] = Math.max(-1, c - radius);
            hi[i] = Math.min(1, c + radius);
        }
        NetworkBounds sym = new SymbolicPropagator(false).propagate(chain, lo, hi);
        LpTightening lpt = new LpTightening(Duration.ofSeconds(30), seed % 2 == 0);
        NetworkBounds lp = lpt.tighten(chain, lo, hi, sym);
        int improved = 0;
        for (int i = 0; i <= chain.reluLayerCount(); i++) {
            for (int j = 0; j < lp.lower(i).length; j++) {
                assertTrue(lp.lower(i)[j] >= sym.lower(i)[j] && lp.upper(i)[j] <= sym.upper(i)[j],
                        "seed " + seed + ": LP looser than symbolic at layer " + i + " neuron " + j);
                assertTrue(lp.lower(i)[j] <= lp.upper(i)[j], "seed " + seed + ": empty bounds at " + i + "/" + j);
                if (lp.lower(i)[j] > sym.lower(i)[j] + 1e-9 || lp.upper(i)[j] < sym.upper(i)[j] - 1e-9) {
                    improved++;
                }
            }
        }
        SampledActivations.assertWithin(chain, lo, hi, lp, rnd, 3000, "seed " + seed);
        return new Result(improved);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sampledActivationsLieWithinLpBoundsAndLpIsNeverLooser(long seed) {
        check(seed);
    }

    @Test
    void lpTightensSomethingOnSomeSeed() {
        int total = 0;
        for (long seed = 0; seed < 15; seed++) {
            total += check(seed).improvedNeurons();
        }
        assertTrue(total > 0, "LP tightening improved no bound on 15 random networks");
    }
}
