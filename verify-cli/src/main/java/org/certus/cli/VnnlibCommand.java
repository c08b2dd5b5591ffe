package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.certus.api.Load;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "vnnlib", mixinStandardHelpOptions = true,
        description = {"Verify one VNN-COMP instance: a network and a VNN-LIB property (the unsafe set).",
                "The last line of output is the answer: sat, unsat, timeout, unknown or error; before it, for every answer but",
                "sat and error, the proven lower bound on the property's violation margin (> 0 proves unsat).",
                "--out writes the competition's result file (for sat, the counterexample as ((X_0 v) ... (Y_0 v) ...))."})
final class VnnlibCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"--network", "--onnx"}, required = true, paramLabel = "NETWORK",
            description = "A bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M) or a .onnx, .onnx.gz, .nnet or .mat file.")
    String network;

    @Option(names = "--vnnlib", required = true, paramLabel = "PROP.vnnlib", description = "The property (.vnnlib or .vnnlib.gz).")
    Path vnnlib;

    @Option(names = {"--time-limit", "--timeout"}, paramLabel = "SECONDS", defaultValue = "300",
            description = "Time limit in seconds, loading the network and the property included (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--input-range", paramLabel = "LO:HI|LIST|@FILE", converter = InputRange.Converter.class,
            description = "Restrict the property's input boxes to these values: " + InputRange.SYNTAX)
    InputRange inputRange;

    @Option(names = "--out", paramLabel = "RESULT.txt", description = "Write the result file here.")
    Path out;

    @Option(names = "--fast", description = {"Real arithmetic: an unsat then holds for the network's real-number idealisation only,",
            "not for its float32 or double evaluation (the default covers both; a property whose margin is smaller than",
            "float32 rounding can change is then out of reach)."})
    boolean fast;

    @Override
    public Integer call() {
        Duration timeout = TimeOption.positive(spec, OptionAlias.typed(spec, "--time-limit", "--timeout"), timeoutSeconds);
        if (network.isBlank()) {
            throw new ParameterException(spec.commandLine(), OptionAlias.typed(spec, "--network", "--onnx")
                    + " is empty: give a bundled name or a network file");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        VnnlibResult result;
        try {
            long start = System.nanoTime();
            Network net = Load.instanceNetwork(network);
            VnnlibProperty property = Load.property(vnnlib, net);
            if (inputRange != null) {
                property = inputRange.restrict(property);
            }
            result = VnnlibSolver.solveWithin(net, property, timeout, start, stderr, !fast);
            double seconds = (System.nanoTime() - start) / 1e9;
            stdout.printf(Locale.ROOT, "time: %.3f s, nodes: %d%n", seconds, result.nodes());
            if (result.hasProvenBound()) {
                stdout.printf(Locale.ROOT, "proven bound: %s (the property's violation margin is at least this on its whole region; "
                        + "> 0 proves unsat)%n", result.provenBound());
            }
            if (fast) {
                stdout.println("arithmetic: real (--fast): unsat holds in exact arithmetic, not for float32 evaluation");
            }
        } catch (RuntimeException e) {
            // Bad input (or a bug): the result file still says "error", so that a harness never reads a stale answer.
            writeQuietly(VnnlibResult.error(0).resultFileText());
            stdout.println(VnnlibResult.ERROR);
            stdout.flush();
            throw e;
        }
        write(result.resultFileText());
        stdout.println(result.word());
        stdout.flush();
        return 0;
    }

    private void write(String text) {
        if (out == null) {
            return;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(out + ": cannot write the result file: " + e.getMessage(), e));
        }
    }

    private void writeQuietly(String text) {
        try {
            write(text);
        } catch (UncheckedIOException e) {
            // The original failure is the one to report.
        }
    }
}
