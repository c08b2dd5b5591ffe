package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PgdAttack}'s two directions: its even descents follow the largest row of a conjunction, its odd ones, when
 * they are long, the sum of the positive rows.
 */
class PgdAttackDirectionsTest {
    private static final double K = 1e6;
    private static final double C = 0.999;

    /**
     * Unsafe where {@code x1 ≥ C + K|x2|} on the square [−1, 1]²: only a sliver around {@code x2 = 0}, {@code x1 = 1}.
     * Along the largest row, each sign step moves {@code x2} across zero by the step's size; along the sum of
     * the two rows, {@code x2}'s gradient is exactly zero and the descent goes straight to the corner.
     */
    @Test
    void theSumOfTheRowsReachesWhatTheLargestRowZigzagsAround() {
        Network identity = new Network("identity", Shape.flat(2), InputDomain.uniform(2, -1, 1),
                List.of(new Dense(2, 2, new double[] {1, 0, 0, 1}, new double[2])));
        AffineMap conjunction = AffineMap.fromDense(2, 2, new double[] {-1, K, -1, -K}, new double[] {C, C});
        PgdAttack attack = new PgdAttack(ReluChain.of(identity), List.of(conjunction));
        double[] lo = {-1, -1};
        double[] hi = {1, 1};
        double[][] centre = {{0, 0}, {0, 0}};
        int steps = PgdAttack.LONG_DESCENT_STEPS;
        double[] largestRowOnly = attack.run(lo, hi, 0, steps, new Random(1), new double[][] {centre[0]}, new CancelToken(), Long.MAX_VALUE);
        assertTrue(attack.margin(largestRowOnly) > 0, "one descent along the largest row from the centre: margin "
                + attack.margin(largestRowOnly));
        double[] shortOnes = attack.run(lo, hi, 0, steps - 1, new Random(1), centre, new CancelToken(), Long.MAX_VALUE);
        assertTrue(attack.margin(shortOnes) > 0, "short descents follow the largest row only: margin " + attack.margin(shortOnes));
        double[] both = attack.run(lo, hi, 0, steps, new Random(1), centre, new CancelToken(), Long.MAX_VALUE);
        assertEquals(1.0, both[0], 0.0);
        assertEquals(0.0, both[1], 0.0);
        assertEquals(C - 1, attack.margin(both), 1e-12);
    }

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /**
     * On random networks with a conjunction of three rows: every point the attack returns lies in the box, is no
     * worse than its first start, and two descents from the same start end no higher than the first alone.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void descentsStayInTheBoxAndNeverEndAboveTheirStart(long seed) {
        Random rnd = new Random(seed * 7919 + 3);
        int inputs = 2 + rnd.nextInt(4);
        Network net = RandomNetworks.dense(rnd, inputs, 6 + rnd.nextInt(6), 5 + rnd.nextInt(5), 4);
        AffineMap conjunction = AffineMap.fromDense(3, 4, RandomNetworks.gaussian(rnd, 12, 1.0), RandomNetworks.gaussian(rnd, 3, 0.5));
        double[] lo = new double[inputs];
        double[] hi = new double[inputs];
        double[] mid = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double c = rnd.nextDouble();
            lo[i] = c - 0.3;
            hi[i] = c + 0.3;
            mid[i] = c;
        }
        PgdAttack attack = new PgdAttack(ReluChain.of(net), List.of(conjunction));
        int steps = PgdAttack.LONG_DESCENT_STEPS;
        double[] one = attack.run(lo, hi, 0, steps, new Random(seed), new double[][] {mid}, new CancelToken(), Long.MAX_VALUE,
                Double.NEGATIVE_INFINITY);
        double[] two = attack.run(lo, hi, 2, steps, new Random(seed), new double[][] {mid, mid}, new CancelToken(), Long.MAX_VALUE,
                Double.NEGATIVE_INFINITY);
        for (double[] x : new double[][] {one, two}) {
            for (int i = 0; i < inputs; i++) {
                assertTrue(x[i] >= lo[i] && x[i] <= hi[i], "seed " + seed + ": input " + i + " outside the box");
            }
            assertEquals(attack.margin(x), VerificationQuery.worstRow(conjunction, net.evaluate(x)), 1e-9, "seed " + seed);
        }
        assertTrue(attack.margin(one) <= attack.margin(mid), "seed " + seed + ": the descent ends above its start");
        assertTrue(attack.margin(two) <= attack.margin(one), "seed " + seed + ": more descents ended higher");
    }

    @Test
    void anAttacksShareOfTheTimeIsAFractionOfIt() {
        SearchOptions o = SearchOptions.timeLimit(Duration.ofSeconds(10));
        assertEquals(1.0, o.attackShare());
        assertEquals(0.05, o.withAttack(8, 400, 0.05).attackShare());
        assertEquals(0.05, o.withAttack(8, 400, 0.05).withAttack(2, 10).attackShare());
        assertThrows(IllegalArgumentException.class, () -> o.withAttack(8, 400, 0));
        assertThrows(IllegalArgumentException.class, () -> o.withAttack(8, 400, 1.5));
        assertThrows(IllegalArgumentException.class, () -> o.withAttack(8, 400, Double.NaN));
    }
}
