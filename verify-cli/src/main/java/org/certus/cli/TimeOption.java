package org.certus.cli;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Options that are times in seconds (limits and budgets): checked here, then handed to the library as a {@link Duration}. */
final class TimeOption {
    /**
     * Longest time an option takes: 1e7 s, about 116 days. A longer one is a slip rather than a wish to
     * wait (--time-limit 1e10 once overflowed into an immediate timeout; the library now saturates such
     * deadlines, but the user still deserves to hear about the typo).
     */
    static final double MAX_SECONDS = 1e7;
    private static final String MAX_TEXT = "1e7";

    private TimeOption() {
    }

    /** A time in (0, {@link #MAX_SECONDS}]. */
    static Duration positive(CommandSpec spec, String option, double seconds) {
        if (!(seconds > 0) || seconds > MAX_SECONDS) {
            throw refused(spec, option, "a number of seconds > 0", seconds);
        }
        return toDuration(seconds);
    }

    /** A time in [0, {@link #MAX_SECONDS}]. */
    static Duration nonNegative(CommandSpec spec, String option, double seconds) {
        if (!(seconds >= 0) || seconds > MAX_SECONDS) {
            throw refused(spec, option, "a number of seconds >= 0", seconds);
        }
        return toDuration(seconds);
    }

    private static Duration toDuration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static ParameterException refused(CommandSpec spec, String option, String what, double seconds) {
        return new ParameterException(spec.commandLine(), String.format(Locale.ROOT, "%s must be %s, at most %s (about %d days), got %s",
                option, what, MAX_TEXT, Math.round(MAX_SECONDS / 86_400), seconds));
    }
}
