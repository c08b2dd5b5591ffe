package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.tighten.Tightening;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;

/**
 * Which root tightening {@link Strategy#STAGED} ({@code certus vnnlib}) asks for: MIP strength by per-neuron searches for
 * ReLU-split (image-sized) networks with more than one ReLU layer, within a share of the time; none for input-split ones.
 */
class StagedSolveOptionsTest {
    /** Two ReLU layers over {@code inputs} inputs. */
    private static Network net(int inputs) {
        return new Network("n" + inputs, Shape.flat(inputs), InputDomain.uniform(inputs, 0, 1),
                List.of(new Dense(inputs, 3, new double[inputs * 3], new double[3]), new Relu(),
                        new Dense(3, 3, new double[9], new double[3]), new Relu(), new Dense(3, 2, new double[6], new double[2])));
    }

    @Test
    void networksWithOneReluLayerKeepSymbolicBounds() {
        // mnist-rsl18a's shape: the tightening starts at the second ReLU layer, so it would have nothing to do.
        Network one = new Network("one", Shape.flat(784), InputDomain.uniform(784, 0, 1),
                List.of(new Dense(784, 3, new double[784 * 3], new double[3]), new Relu(), new Dense(3, 2, new double[6], new double[2])));
        SearchOptions o = SearchOptions.defaults();
        assertSame(o, StagedSolve.rootTightened(one, o, Duration.ofSeconds(300)));
    }

    @Test
    void smallInputNetworksKeepSymbolicBounds() {
        SearchOptions o = SearchOptions.defaults();
        assertSame(o, StagedSolve.rootTightened(net(SearchOptions.INPUT_SPLIT_MAX_INPUTS), o, Duration.ofSeconds(300)));
    }

    @Test
    void imageSizedNetworksGetMipWithinTheirShareOfTheTime() {
        SearchOptions o = SearchOptions.defaults();
        RootTightening shortRun = StagedSolve.rootTightened(net(784), o, Duration.ofSeconds(100)).rootTightening();
        assertEquals(Tightening.MIP, shortRun.kind());
        assertEquals(Duration.ofSeconds(60), shortRun.budget());
        assertEquals(Duration.ofSeconds(5), shortRun.neuronTimeLimit());
        assertTrue(shortRun.neuronSearch(), "neurons are bounded by the engine's own search, not a MILP");
        RootTightening longRun = StagedSolve.rootTightened(net(SearchOptions.INPUT_SPLIT_MAX_INPUTS + 1), o, Duration.ofSeconds(600))
                .rootTightening();
        assertEquals(Tightening.MIP, longRun.kind());
        assertEquals(Duration.ofSeconds(180), longRun.budget());
    }

    @Test
    void theSecondStageAttacksLongerWithinItsShareUnlessTheAttackIsOff() {
        SearchOptions o = SearchOptions.defaults();
        SearchOptions second = StagedSolve.rootTightened(net(784), o, Duration.ofSeconds(300));
        assertEquals(StagedSolve.LONG_ATTACK_RESTARTS, second.attackRestarts());
        assertEquals(StagedSolve.LONG_ATTACK_STEPS, second.attackSteps());
        assertEquals(TimeBudget.LONG_ATTACK_SHARE, second.attackShare());
        assertTrue(second.attackSteps() > o.attackSteps(), "longer descents than the first stage's");
        SearchOptions off = StagedSolve.rootTightened(net(784), o.withAttack(0, 0), Duration.ofSeconds(300));
        assertEquals(0, off.attackRestarts());
        assertEquals(1.0, off.attackShare());
    }

    /** One hidden layer of {@code width} ReLUs over {@code width} inputs, every weight stored (non-zero). */
    private static ReluChain square(int width) {
        double[] w = new double[width * width];
        Arrays.fill(w, 1e-3);
        return ReluChain.of(new Network("square" + width, Shape.flat(width), InputDomain.uniform(width, 0, 1),
                List.of(new Dense(width, width, w, new double[width]), new Relu(), new Dense(width, 2, new double[width * 2], new double[2]))));
    }

    @Test
    void networksOfMillionsOfWeightsTakeFewerAlphaBetaStepsAndKeepIntermediateBounds() {
        SearchOptions staged = Verifier.stagedOptions(Duration.ofSeconds(300));
        assertEquals(StagedSolve.BOUND_ITERATIONS, staged.boundIterations());
        assertFalse(staged.fixedIntermediateBounds());
        // 1,415² = 2,002,225 weights: over the line; 1,414² = 1,999,396: under it.
        SearchOptions large = StagedSolve.forNetworkSize(square(1415), staged);
        assertEquals(StagedSolve.LARGE_NETWORK_BOUND_ITERATIONS, large.boundIterations());
        assertTrue(large.fixedIntermediateBounds());
        assertSame(staged, StagedSolve.forNetworkSize(square(1414), staged));
        assertSame(staged, StagedSolve.forNetworkSize(null, staged), "a lowering that stopped keeps the options");
        SearchOptions few = StagedSolve.forNetworkSize(square(1415), staged.withBoundIterations(5));
        assertEquals(5, few.boundIterations(), "never more steps than asked for");
        assertTrue(few.fixedIntermediateBounds());
    }
}
