package org.certus.milp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Saturating deadline arithmetic against exact {@link Math#addExact} on random and extreme operands. */
class DeadlineTest {

    @Test
    void extremes() {
        assertEquals(Long.MAX_VALUE, Deadline.nanos(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertEquals(Long.MIN_VALUE, Deadline.nanos(Duration.ofSeconds(Long.MIN_VALUE)));
        assertEquals(1_500_000_000L, Deadline.nanos(Duration.ofMillis(1500)));
        assertEquals(Deadline.NEVER, Deadline.after(1L, Duration.ofNanos(Long.MAX_VALUE)));
        assertEquals(Deadline.NEVER, Deadline.after(Long.MAX_VALUE / 2, Duration.ofSeconds(10_000_000_000L)));
        assertEquals(Long.MIN_VALUE, Deadline.plus(-5, Long.MIN_VALUE));
        assertEquals(-1, Deadline.plus(Long.MAX_VALUE, Long.MIN_VALUE));
        assertTrue(Deadline.left(Deadline.NEVER) > Long.MAX_VALUE / 2);
        assertTrue(Deadline.left(System.nanoTime() - 1_000_000) < 0);
    }

    @RepeatedTest(20)
    void plusIsExactOrSaturated(RepetitionInfo rep) {
        long seed = 30_000L + rep.getCurrentRepetition();
        Random rnd = new Random(seed);
        for (int k = 0; k < 10_000; k++) {
            long a = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextLong() >> rnd.nextInt(64);
            long b = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextLong() >> rnd.nextInt(64);
            long want;
            try {
                want = Math.addExact(a, b);
            } catch (ArithmeticException e) {
                want = b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
            }
            long got = Deadline.plus(a, b);
            assertEquals(want, got, "seed " + seed + ": " + a + " + " + b);
        }
    }
}
