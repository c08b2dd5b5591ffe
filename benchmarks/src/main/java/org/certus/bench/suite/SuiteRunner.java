package org.certus.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.certus.cli.Certus;
import org.certus.cli.VnncompExpected;
import org.certus.cli.VnncompInstances;
import org.certus.cli.VnncompResults;
import org.certus.cli.VnncompSuites;
import org.certus.cli.VnncompSummary;

/**
 * End-to-end suite: runs a VNN-COMP benchmark folder through {@code certus vnncomp} (resumable), then
 * prints one results table per benchmark — solved, sat/unsat, wrong vs the known answers, total and
 * median time — beside the VNN-COMP tools' solved counts and median times when
 * {@code --runtime-summary runtime_summary.csv} is given (their hardware differs: AWS instances, GPUs
 * for some tools).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.certus.bench.suite.SuiteRunner                 # bundled ACAS Xu
 * java -cp ... SuiteRunner --dir BENCHMARKS/mnist_fc --runtime-summary BENCHMARKS/runtime_summary.csv
 *      [--results FILE] [--expected FILE] [--timeout-scale F] [--only N] [--quiet]
 * </pre>
 *
 * {@code --dir} may be repeated. Known answers: {@code --expected}, else {@code expected.csv} in the
 * benchmark folder or its parent (VNN-COMP's layout), else the bundled suite's own. The results file
 * defaults to {@code suite-<benchmark>.csv} in the working directory; rerun to resume.
 */
public final class SuiteRunner {
    private SuiteRunner() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            // Only verify-cli calls System.exit; a failed suite ends the JVM through this exception instead.
            throw new IllegalStateException("suite failed (code " + code + "; 3 = wrong answers, 2 = bad input)");
        }
    }

    /** Runs the suites; 0 when all ran with no wrong answer, 3 with a wrong answer, 2 for bad options. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> dirs = new ArrayList<>();
        Path runtimeSummary = null;
        Path results = null;
        Path expected = null;
        List<String> passOn = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--dir" -> dirs.add(Path.of(args[++i]));
                    case "--runtime-summary" -> runtimeSummary = Path.of(args[++i]);
                    case "--results" -> results = Path.of(args[++i]);
                    case "--expected" -> expected = Path.of(args[++i]);
                    case "--timeout-scale", "--only" -> {
                        passOn.add(args[i]);
                        passOn.add(args[++i]);
                    }
                    case "--quiet", "-q" -> passOn.add("--quiet");
                    default -> {
                        err.println("SuiteRunner: error: unknown option '" + args[i] + "' (options: --dir DIR, --runtime-summary FILE, "
                                + "--results FILE, --expected FILE, --timeout-scale F, --only N, --quiet)");
                        return 2;
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            err.println("SuiteRunner: error: option '" + args[args.length - 1] + "' needs a value");
            return 2;
        }
        if (results != null && dirs.size() > 1) {
            err.println("SuiteRunner: error: --results names one file; give one --dir per run");
            return 2;
        }
        int worst = 0;
        if (dirs.isEmpty()) {
            Path dir = VnncompSuites.extract("acasxu");
            try {
                worst = runOne("acasxu", dir, results, expected != null ? expected : dir.resolve("expected.csv"), runtimeSummary, passOn, out, err);
            } finally {
                VnncompSuites.delete(dir);
            }
        }
        for (Path dir : dirs) {
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            Path e = expected;
            if (e == null) {
                Path own = dir.resolve("expected.csv");
                Path parent = dir.toAbsolutePath().normalize().getParent().resolve("expected.csv");
                e = Files.exists(own) ? own : Files.exists(parent) ? parent : null;
            }
            worst = Math.max(worst, runOne(name, dir, results, e, runtimeSummary, passOn, out, err));
        }
        return worst;
    }

    private static int runOne(String name, Path dir, Path results, Path expectedFile, Path runtimeSummary, List<String> passOn,
                              PrintStream out, PrintStream err) {
        Path csv = dir.resolve("instances.csv");
        Path res = results != null ? results : Path.of("suite-" + name + ".csv");
        List<String> cli = new ArrayList<>(List.of("vnncomp", "--instances", csv.toString(), "--root", dir.toString(),
                "--results", res.toString()));
        if (expectedFile != null) {
            cli.add("--expected");
            cli.add(expectedFile.toString());
        }
        cli.addAll(passOn);
        out.println("== " + name + ": certus " + String.join(" ", cli));
        int code = Certus.run(cli.toArray(String[]::new), out, err);
        if (code == 2 || code == 1) {
            return code;
        }
        List<VnncompInstances.Instance> instances = VnncompInstances.read(csv);
        Map<String, VnncompResults.Row> rows = VnncompResults.read(res);
        List<VnncompResults.Row> mine = new ArrayList<>();
        for (VnncompInstances.Instance i : instances) {
            VnncompResults.Row r = rows.get(i.key());
            if (r != null) {
                mine.add(r);
            }
        }
        VnncompExpected expected = expectedFile == null ? null : VnncompExpected.read(expectedFile);
        VnncompSummary s = VnncompSummary.of(mine, expected);
        printTable(name, instances.size(), s, expected != null, runtimeSummary, out);
        return code;
    }

    static void printTable(String name, int listed, VnncompSummary s, boolean withExpected, Path runtimeSummary, PrintStream out) {
        out.printf(Locale.ROOT, "%n%s: %d instances listed, %d run%n", name, listed, s.instances());
        out.printf(Locale.ROOT, "%-32s %7s %5s %5s %6s %7s %12s %12s %10s%n",
                "tool", "solved", "sat", "unsat", "wrong", "of", "median_s", "max_s", "total_s");
        out.printf(Locale.ROOT, "%-32s %7d %5d %5d %6s %7d %12s %12s %10.1f%n",
                "Certus (" + Runtime.getRuntime().availableProcessors() + " cores, this machine)", s.solved(), s.sat(), s.unsat(),
                withExpected ? Integer.toString(s.wrong().size()) : "-", s.instances(), seconds(s.medianSolvedSeconds()), seconds(s.maxSolvedSeconds()),
                s.totalSeconds());
        if (runtimeSummary != null) {
            for (String[] t : tools(runtimeSummary, name)) {
                out.printf(Locale.ROOT, "%-32s %7s %5s %5s %6s %7s %12s %12s %10s%n",
                        "VNN-COMP " + t[1] + " " + t[2], t[3], "", "", t[5], t[4], t[6], t[7], "");
            }
            out.println("(median_s and max_s over solved instances; VNN-COMP tools ran on the competition's AWS instances, not this machine)");
        } else {
            out.println("(median_s and max_s over solved instances)");
        }
        out.printf(Locale.ROOT, "Certus: timeout %d, unknown %d, error %d; median over all run %s%n",
                s.timeout(), s.unknown(), s.error(), Double.isNaN(s.medianSeconds()) ? "n/a" : seconds(s.medianSeconds()) + " s");
    }

    /** Two decimals, or n/a for the median of no instance (none solved, or none run). */
    static String seconds(double s) {
        return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.2f", s);
    }

    /** Rows benchmark,year,tool,solved,instances_listed,wrong,median,max of runtime_summary.csv for one benchmark. */
    static List<String[]> tools(Path file, String benchmark) {
        List<String[]> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                if (rec.get("benchmark").equals(benchmark)) {
                    out.add(new String[] {rec.get("benchmark"), rec.get("year"), rec.get("tool"), rec.get("solved"),
                            rec.get("instances_listed"), rec.get("wrong_vs_consensus"), rec.get("median_runtime_solved_s"),
                            rec.get("max_runtime_solved_s")});
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": cannot read the runtime summary: " + e.getMessage(), e);
        }
        return out;
    }
}
