package org.certus.cli;

import org.certus.api.InputFiles;
import org.certus.api.Messages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.certus.api.Load;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "vnncomp", mixinStandardHelpOptions = true,
        description = {"Run a VNN-COMP benchmark: every row onnx,vnnlib,timeout of an instances CSV (or a bundled suite).",
                "Appends onnx,vnnlib,result,time_s,nodes to RESULTS.csv per instance; a rerun resumes, skipping the rows present",
                "(--rerun chooses which to solve again). Two runs into one results file: the second is refused.",
                "Each sat answer's counterexample goes to RESULTS.d/<network>_<property>.counterexample beside it.",
                "Exit code 3 if any answer contradicts --expected (the bundled suites bring their own)."})
final class VnncompCommand implements Callable<Integer> {
    static final int EXIT_WRONG_ANSWER = 3;

    @ParentCommand
    Certus root;

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--instances", required = true, paramLabel = "INSTANCES.csv", description = "The instances (onnx,vnnlib,timeout; header optional).")
        Path instances;

        @Option(names = "--suite", required = true, paramLabel = "NAME", description = "A bundled suite: acasxu.")
        String suite;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--root", paramLabel = "DIR", description = "Folder the CSV's paths are relative to (default: the CSV's folder).")
    Path rootDir;

    @Option(names = "--results", required = true, paramLabel = "RESULTS.csv", description = "Results file (appended to; resumed from).")
    Path results;

    @Option(names = {"--time-limit-scale", "--timeout-scale"}, paramLabel = "F", defaultValue = "1",
            description = "Multiply every instance's time limit by F (default: ${DEFAULT-VALUE}).")
    double timeoutScale;

    @Option(names = "--input-range", paramLabel = "LO:HI|LIST|@FILE", converter = InputRange.Converter.class,
            description = "Restrict every property's input boxes to these values: " + InputRange.SYNTAX)
    InputRange inputRange;

    @Option(names = "--only", paramLabel = "N", description = "Only the first N instances of the CSV.")
    Integer only;

    @Option(names = "--expected", paramLabel = "EXPECTED.csv", description = "Known answers (VNN-COMP expected.csv, or onnx,vnnlib,expected) to count correct and wrong answers.")
    Path expectedFile;

    @Option(names = "--rerun", defaultValue = "never", paramLabel = "WHEN",
            description = "Instances already in RESULTS.csv: never (skip, default), errors (solve error rows again), "
                    + "timeouts (solve timeout and unknown rows again), always (solve all again). The new row is appended and wins.")
    Rerun rerun;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    enum Rerun { never, errors, timeouts, always }

    @Override
    public Integer call() {
        if (!(timeoutScale > 0) || timeoutScale > TimeOption.MAX_SECONDS) {
            throw new ParameterException(spec.commandLine(), OptionAlias.typed(spec, "--time-limit-scale", "--timeout-scale")
                    + " must be a number > 0, at most 1e7, got " + timeoutScale);
        }
        if (only != null && only < 1) {
            throw new ParameterException(spec.commandLine(), "--only must be at least 1, got " + only);
        }
        Path suiteDir = null;
        try {
            Path csv;
            if (source.suite != null) {
                suiteDir = VnncompSuites.extract(source.suite);
                csv = suiteDir.resolve("instances.csv");
            } else {
                csv = source.instances;
            }
            Path base = rootDir != null ? rootDir : csv.toAbsolutePath().getParent();
            VnncompExpected expected = expectedFile != null ? VnncompExpected.read(expectedFile)
                    : suiteDir != null ? VnncompExpected.read(suiteDir.resolve("expected.csv")) : null;
            return run(csv, base, expected);
        } finally {
            if (suiteDir != null) {
                VnncompSuites.delete(suiteDir);
            }
        }
    }

    private int run(Path csv, Path base, VnncompExpected expected) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<VnncompInstances.Instance> instances = VnncompInstances.read(csv);
        if (only != null && only < instances.size()) {
            instances = instances.subList(0, only);
        }
        for (VnncompInstances.Instance i : instances) {
            // Checked before the results file is opened: a refused run touches nothing.
            if (i.timeoutSeconds() * timeoutScale > TimeOption.MAX_SECONDS) {
                throw new ParameterException(spec.commandLine(), OptionAlias.typed(spec, "--time-limit-scale", "--timeout-scale") + " "
                        + timeoutScale + " makes the timeout of " + csv + ":"
                        + i.line() + " " + i.timeoutSeconds() * timeoutScale + " s, more than 1e7 s (about 116 days)");
            }
        }
        List<VnncompResults.Row> rows = new ArrayList<>();
        List<VnncompInstances.Instance> todo = new ArrayList<>();
        try (VnncompResults file = VnncompResults.open(results, notice -> err.println("certus: notice: " + notice))) {
            err.flush();
            Map<String, VnncompResults.Row> done = file.rows();
            int kept = 0;
            for (VnncompInstances.Instance i : instances) {
                VnncompResults.Row r = done.get(i.key());
                if (r != null && !needsRerun(r)) {
                    rows.add(r);
                    kept++;
                } else {
                    todo.add(i);
                }
            }
            out.printf(Locale.ROOT, "instances: %d (%d already in %s, %d to run)%n", instances.size(), kept, results, todo.size());
            out.flush();
            boolean bar = !quiet && root.progressAllowed();
            try (ProgressBar pb = bar ? new ProgressBarBuilder().setTaskName("vnncomp").setInitialMax(todo.size()).build() : null) {
                int n = 0;
                for (VnncompInstances.Instance i : todo) {
                    n++;
                    VnnlibResult answer = runOne(i, base, err);
                    VnncompResults.Row row = new VnncompResults.Row(i.onnx(), i.vnnlib(), answer.word(), answer.seconds(), answer.nodes());
                    updateCounterexample(i, answer);
                    String bound = answer.hasProvenBound() && !answer.word().equals(VnnlibResult.UNSAT)
                            ? String.format(Locale.ROOT, ", proven bound %.6g", answer.provenBound()) : "";
                    file.append(row);
                    rows.add(row);
                    boolean wrong = expected != null && expected.isWrong(row.onnx(), row.vnnlib(), row.result());
                    if (wrong) {
                        err.println("certus: " + VnncompSummary.wrongLine(row, expected));
                        err.flush();
                    }
                    if (pb != null) {
                        pb.step();
                        pb.setExtraMessage(row.result() + bound);
                    } else {
                        out.printf(Locale.ROOT, "[%d/%d] %s %s: %s (%.2f s, %d nodes%s)%s%n", n, todo.size(), row.onnx(), row.vnnlib(),
                                row.result(), row.seconds(), row.nodes(), bound, wrong ? "  <-- WRONG" : "");
                        out.flush();
                    }
                }
            }
        }
        VnncompSummary summary = VnncompSummary.of(rows, expected);
        summary.print(out, expected != null, expected);
        return summary.wrong().isEmpty() ? 0 : EXIT_WRONG_ANSWER;
    }

    /** {@code --rerun}: whether an instance already in the results file is solved again. */
    private boolean needsRerun(VnncompResults.Row done) {
        return switch (rerun) {
            case never -> false;
            case errors -> done.result().equals(VnnlibResult.ERROR);
            case timeouts -> done.result().equals(VnnlibResult.TIMEOUT) || done.result().equals(VnnlibResult.UNKNOWN);
            case always -> true;
        };
    }

    /** The last network loaded, and its path: a suite's instances come grouped by network. */
    private String lastNetworkPath;
    private Network lastNetwork;

    /**
     * The network at {@code path}, loaded once for consecutive instances: a large network's import and
     * lowering (which it caches) take seconds, to be paid once per network rather than per instance.
     */
    private Network network(String path) {
        if (!path.equals(lastNetworkPath)) {
            lastNetwork = null; // let the previous one go before loading the next
            lastNetwork = Load.instanceNetwork(path);
            lastNetworkPath = path;
        }
        return lastNetwork;
    }

    /**
     * One instance, its time measured here (loading included); any failure becomes an error answer and a
     * line on stderr (with --debug its stack trace), and the suite goes on.
     */
    private VnnlibResult runOne(VnncompInstances.Instance i, Path base, PrintWriter err) {
        long start = System.nanoTime();
        VnnlibResult r;
        try {
            Network net = network(base.resolve(i.onnx()).toString());
            VnnlibProperty property = Load.property(base.resolve(i.vnnlib()), net);
            if (inputRange != null) {
                property = inputRange.restrict(property);
            }
            Duration limit = Duration.ofMillis(Math.max(1, Math.round(i.timeoutSeconds() * timeoutScale * 1000)));
            r = VnnlibSolver.solveWithin(net, property, limit, start, err, true);
        } catch (RuntimeException | OutOfMemoryError e) {
            String what = ErrorReporter.isBadInput(e) ? "error" : "internal error";
            err.println("certus: " + what + ": instance " + i.onnx() + " " + i.vnnlib() + ": "
                    + (e.getMessage() == null ? e.getClass().getName() : Messages.oneLine(e.getMessage())));
            if (root.debug) {
                e.printStackTrace(err);
            }
            err.flush();
            r = VnnlibResult.error(0);
        }
        return new VnnlibResult(r.word(), r.input(), r.output(), (System.nanoTime() - start) / 1e9, r.nodes(), r.provenBound());
    }

    /** {@code RESULTS.d/}, beside the results file: {@code R.csv} gives {@code R.d}. */
    static Path counterexampleFolder(Path results) {
        String name = results.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return results.resolveSibling(base + ".d");
    }

    /**
     * A sat answer's witness, written whole (temporary file, then renamed) so a kill never leaves half a
     * file; any other answer removes a witness an earlier run (--rerun) left for the instance.
     */
    private void updateCounterexample(VnncompInstances.Instance i, VnnlibResult answer) {
        Path file = counterexampleFolder(results).resolve(stem(i.onnx(), ".onnx") + "_" + stem(i.vnnlib(), ".vnnlib") + ".counterexample");
        try {
            if (!answer.word().equals(VnnlibResult.SAT)) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.getParent());
            InputFiles.writeAtomically(file, answer.witnessText().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(file + ": cannot write the counterexample: " + e.getMessage(), e));
        }
    }

    /** The file name of {@code path} without {@code ext} (and a {@code .gz} after it). */
    static String stem(String path, String ext) {
        String n = Path.of(path).getFileName().toString();
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        return n.endsWith(ext) ? n.substring(0, n.length() - ext.length()) : n;
    }
}
