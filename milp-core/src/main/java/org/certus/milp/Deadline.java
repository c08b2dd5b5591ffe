package org.certus.milp;

import java.time.Duration;

/**
 * Deadlines on the {@link System#nanoTime()} clock that saturate instead of overflowing. A time limit
 * too long for a {@code long} of nanoseconds (about 292 years; {@link Duration#toNanos()} throws there)
 * or one that would carry {@code now + limit} past {@link Long#MAX_VALUE} means "no limit" — never a
 * deadline in the past, which made a limit of 1e10 s end every search at once as a timeout.
 */
public final class Deadline {
    /** A deadline that the clock never reaches. */
    public static final long NEVER = Long.MAX_VALUE;

    private Deadline() {
    }

    /** {@code d} in nanoseconds, saturated at {@link Long#MAX_VALUE} (and {@link Long#MIN_VALUE} for huge negative ones). */
    public static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The deadline {@code limit} after {@code now}, saturated at {@link #NEVER}. */
    public static long after(long now, Duration limit) {
        return plus(now, nanos(limit));
    }

    /** The deadline {@code limit} from now, saturated at {@link #NEVER}. */
    public static long after(Duration limit) {
        return after(System.nanoTime(), limit);
    }

    /** {@code now + nanos}, saturated at {@link #NEVER} (and {@link Long#MIN_VALUE}). */
    public static long plus(long now, long nanos) {
        long sum = now + nanos;
        // Overflow iff both operands have the sign opposite to the sum's.
        if (((now ^ sum) & (nanos ^ sum)) < 0) {
            return nanos > 0 ? NEVER : Long.MIN_VALUE;
        }
        return sum;
    }

    /** Nanoseconds from now until {@code deadline} (negative once it has passed), saturated. */
    public static long left(long deadline) {
        return plus(deadline, -Math.max(System.nanoTime(), Long.MIN_VALUE + 1));
    }
}
