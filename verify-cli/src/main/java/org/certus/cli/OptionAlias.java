package org.certus.cli;

import picocli.CommandLine.Model.CommandSpec;

/** Options with several names ({@code --time-limit} and its old name {@code --timeout}): which one the user typed. */
final class OptionAlias {
    private OptionAlias() {
    }

    /**
     * The name under which the option was given, so that a refusal quotes what was typed; the first name
     * when none of them was given. Every alias matches the same option in picocli's parse result, so the
     * original arguments are read.
     */
    static String typed(CommandSpec spec, String... names) {
        if (spec.commandLine().getParseResult() != null) {
            for (String arg : spec.commandLine().getParseResult().originalArgs()) {
                for (String n : names) {
                    if (arg.equals(n) || arg.startsWith(n + "=")) {
                        return n;
                    }
                }
            }
        }
        return names[0];
    }
}
