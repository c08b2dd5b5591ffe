package org.certus.cli;

import java.util.List;

/**
 * The registry of {@code certus} subcommands, in the order {@code certus --help} lists them.
 *
 * <p>To add one ({@code bounds}, {@code robustness}, {@code vnnlib}, {@code vnncomp},
 * {@code export-mps} are planned): write a picocli {@code @Command} class in this package that
 * throws the module exceptions (or {@code picocli.CommandLine.ParameterException} for bad option
 * values) and let {@link ErrorReporter} turn them into one line and exit code 2; then add a new
 * instance here. Instances are fresh per run because picocli stores option values in them.
 */
final class Subcommands {
    private Subcommands() {
    }

    static List<Object> create() {
        return List.of(new InfoCommand(), new EvaluateCommand(), new RobustnessCommand(), new BoundsCommand(),
                new ExportMpsCommand(), new VnnlibCommand(), new VnncompCommand());
    }
}
