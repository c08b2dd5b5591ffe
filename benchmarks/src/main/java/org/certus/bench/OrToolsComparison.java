package org.certus.bench;

import com.google.ortools.Loader;
import com.google.ortools.linearsolver.MPConstraint;
import com.google.ortools.linearsolver.MPSolver;
import com.google.ortools.linearsolver.MPVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.encode.EncodingObjective;
import org.certus.encode.MilpEncoder;
import org.certus.encode.MilpEncoding;
import org.certus.milp.Model;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

/**
 * MIPVerify's approach with the strongest open MILP solvers against Certus, on the same samples.
 * For each of the first N MNIST test samples that the network classifies correctly: the MILP of the
 * untargeted eps-robustness query exactly as {@code certus export-mps} builds it (symbolic bounds,
 * {@link MilpEncoder}, feasibility objective: feasible iff an adversarial example exists) is handed
 * to SCIP and HiGHS through OR-Tools' {@code MPSolver} (one thread, a time limit each); then Certus
 * verifies the sample. A solver's time is its solve time plus the shared model build (bounds +
 * encoding). Solver answers are cross-checked against Certus's, and a feasible MILP's input is
 * re-checked with a forward pass.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.certus.bench.OrToolsComparison
 *     [--samples N (20)] [--network NAME (mnist-wk17a)] [--eps E (0.1)] [--time-limit S (120)]
 *     [--solvers SCIP,HIGHS] [--certus-threads T (1)] [--warmup K (1)] [--quiet]
 * </pre>
 * {@code --warmup K} first runs the Java side (bounds, encoding, Certus) untimed on samples 0..K-1
 * so that the timed samples do not pay the JIT's warm-up; the native solvers need none.
 * Comparison only: OR-Tools is a dependency of this benchmarks module and of nothing else.
 */
public final class OrToolsComparison {
    private OrToolsComparison() {
    }

    /** One solver's outcome on one sample: robust, vulnerable, timeout or error. */
    record Outcome(String status, double seconds) {
    }

    public static void main(String[] args) {
        int n = 20, certusThreads = 1, warmup = 1;
        double eps = 0.1, limit = 120;
        String network = "mnist-wk17a";
        List<String> solvers = List.of("SCIP", "HIGHS");
        boolean quiet = false;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--samples" -> n = Integer.parseInt(args[++a]);
                case "--network" -> network = args[++a];
                case "--eps" -> eps = Double.parseDouble(args[++a]);
                case "--time-limit" -> limit = Double.parseDouble(args[++a]);
                case "--solvers" -> solvers = List.of(args[++a].toUpperCase(Locale.ROOT).split(","));
                case "--certus-threads" -> certusThreads = Integer.parseInt(args[++a]);
                case "--warmup" -> warmup = Integer.parseInt(args[++a]);
                case "--quiet" -> quiet = true;
                default -> {
                    System.err.println("OrToolsComparison: unknown option " + args[a]
                            + " (--samples N --network NAME --eps E --time-limit S --solvers SCIP,HIGHS --certus-threads T --warmup K --quiet)");
                    return;
                }
            }
        }
        Loader.loadNativeLibraries();
        List<String> available = new ArrayList<>();
        for (String s : solvers) {
            MPSolver probe = MPSolver.createSolver(s);
            if (probe == null) {
                System.out.println("solver " + s + " is not available in this OR-Tools build; skipped");
            } else if (!probe.isMip()) {
                System.out.println("solver " + s + " is an LP solver in this OR-Tools build; skipped");
                probe.delete();
            } else {
                available.add(s);
                // (OR-Tools 9.15 reports "PDLP Solver" as the HiGHS interface's version; HiGHS prints its own banner.)
                System.out.println("solver " + s + " (MIP): " + probe.solverVersion());
                probe.delete();
            }
        }
        Dataset data = Datasets.load("mnist");
        Network net = NetworkLoader.load(network);
        ReluChain chain = ReluChain.of(net);
        CertusRun certus = new CertusRun(net, data, eps, limit, certusThreads);
        System.out.printf(Locale.ROOT, "OrToolsComparison: %s, eps %s, untargeted, first %d samples, time limit %s s, solvers 1 thread,"
                + " Certus %d thread(s), %d processors%n", network, eps, n, limit, certusThreads, Runtime.getRuntime().availableProcessors());

        // JIT warm-up of the Java side (bounds, encoder, Certus) on the first samples, untimed.
        for (int i = 0; i < warmup; i++) {
            double[] x = data.image(i);
            InputBox box = RobustnessProperty.linfBall(x, eps, net.inputDomain().lower(), net.inputDomain().upper());
            NetworkBounds bounds = new SymbolicPropagator().propagate(chain, box.lower(), box.upper());
            MilpEncoder.encode(chain, box.lower(), box.upper(), bounds,
                    RobustnessProperty.targetCondition(RobustnessProperty.untargeted(data.label(i), 10), 10, 0.0), EncodingObjective.FEASIBILITY, x);
            certus.run(i);
        }

        Map<String, List<Outcome>> results = new LinkedHashMap<>();
        for (String s : available) {
            results.put(s, new ArrayList<>());
        }
        results.put("Certus", new ArrayList<>());
        List<Integer> samples = new ArrayList<>();
        List<Double> builds = new ArrayList<>();
        int disagreements = 0, badExamples = 0;
        for (int i = 0; i < n; i++) {
            if (certus.misclassified(i)) {
                if (!quiet) {
                    System.out.println("sample " + i + ": misclassified, skipped");
                }
                continue;
            }
            samples.add(i);
            double[] x = data.image(i);
            int label = data.label(i);
            InputBox box = RobustnessProperty.linfBall(x, eps, net.inputDomain().lower(), net.inputDomain().upper());
            long b0 = System.nanoTime();
            NetworkBounds bounds = new SymbolicPropagator().propagate(chain, box.lower(), box.upper());
            MilpEncoding enc = MilpEncoder.encode(chain, box.lower(), box.upper(), bounds,
                    RobustnessProperty.targetCondition(RobustnessProperty.untargeted(label, 10), 10, 0.0), EncodingObjective.FEASIBILITY, x);
            double build = (System.nanoTime() - b0) / 1e9;
            builds.add(build);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "sample %d: %d binaries, build %.3f s", i,
                    enc.model().numBinaries(), build));
            List<String> statuses = new ArrayList<>();
            for (String s : available) {
                double[][] solution = new double[1][];
                Outcome o = solve(s, enc.model(), limit, solution);
                if (o.status().equals("vulnerable") && !adversarial(net, enc.inputOf(solution[0]), box, label)) {
                    badExamples++;
                    line.append(" [").append(s).append("'s MILP solution is not adversarial in an exact forward pass (MILP tolerance)]");
                }
                o = new Outcome(o.status(), o.seconds() + build);
                results.get(s).add(o);
                statuses.add(o.status());
                line.append(String.format(Locale.ROOT, "; %s %s %.3f s", s, o.status(), o.seconds()));
            }
            CertusRun.Result c = certus.run(i);
            results.get("Certus").add(new Outcome(c.status(), c.seconds()));
            line.append(String.format(Locale.ROOT, "; Certus %s %.3f s (%d nodes)", c.status(), c.seconds(), c.nodes()));
            for (String st : statuses) {
                if (decided(st) && decided(c.status()) && !st.equals(c.status())) {
                    disagreements++;
                    line.append(" DISAGREE");
                }
            }
            if (!quiet) {
                System.out.println(line);
            }
        }
        System.out.println();
        System.out.print(table(network, eps, limit, certusThreads, samples.size(), results, builds, disagreements, badExamples));
    }

    private static boolean decided(String status) {
        return status.equals("robust") || status.equals("vulnerable");
    }

    /** Solves the model with one OR-Tools backend; fills {@code solution[0]} when feasible. */
    static Outcome solve(String solverId, Model m, double limitSeconds, double[][] solution) {
        long t0 = System.nanoTime();
        MPSolver solver = MPSolver.createSolver(solverId);
        try {
            double inf = MPSolver.infinity();
            MPVariable[] v = new MPVariable[m.numVariables()];
            for (int j = 0; j < v.length; j++) {
                double lo = Math.max(-inf, m.variableLower(j));
                double hi = Math.min(inf, m.variableUpper(j));
                v[j] = solver.makeVar(lo, hi, m.isBinary(j), "x" + j);
            }
            for (int i = 0; i < m.numConstraints(); i++) {
                MPConstraint c = solver.makeConstraint(Math.max(-inf, m.constraintLower(i)), Math.min(inf, m.constraintUpper(i)), "c" + i);
                for (int k = m.rowStart(i), end = m.rowEnd(i); k < end; k++) {
                    c.setCoefficient(v[m.entryColumn(k)], m.entryValue(k));
                }
            }
            // The encoder's objective (empty for FEASIBILITY: any feasible point ends the solve).
            for (int j = 0; j < v.length; j++) {
                if (m.objectiveCoefficient(j) != 0) {
                    solver.objective().setCoefficient(v[j], m.objectiveCoefficient(j));
                }
            }
            solver.objective().setOffset(m.objectiveConstant());
            if (m.sense() == org.certus.milp.Sense.MAXIMIZE) {
                solver.objective().setMaximization();
            } else {
                solver.objective().setMinimization();
            }
            solver.setNumThreads(1);
            solver.setTimeLimit(Math.round(limitSeconds * 1000));
            MPSolver.ResultStatus st;
            try {
                st = solver.solve();
            } catch (IllegalArgumentException e) {
                // OR-Tools 9.15's Java enum has no constant for MPSOLVER_UNKNOWN_STATUS (99), which the
                // HiGHS interface returns when its time limit ends the search without a solution.
                double s = (System.nanoTime() - t0) / 1e9;
                return new Outcome(s >= 0.99 * limitSeconds ? "timeout" : "error", s);
            }
            String status = switch (st) {
                case OPTIMAL, FEASIBLE -> "vulnerable";
                // An infeasibility reported only once the time limit is reached is not trusted (OR-Tools
                // 9.15 + HiGHS was seen to return INFEASIBLE, or status 99, at the limit): a timeout.
                case INFEASIBLE -> (System.nanoTime() - t0) / 1e9 >= 0.99 * limitSeconds ? "timeout" : "robust";
                case NOT_SOLVED -> "timeout";
                default -> "error";
            };
            if (status.equals("vulnerable")) {
                double[] x = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    x[j] = v[j].solutionValue();
                }
                solution[0] = x;
            }
            return new Outcome(status, (System.nanoTime() - t0) / 1e9);
        } finally {
            solver.delete();
        }
    }

    /** The MILP's input, clipped into the box (solver tolerance), is misclassified by the network. */
    private static boolean adversarial(Network net, double[] x, InputBox box, int label) {
        double[] lo = box.lower(), hi = box.upper();
        double[] c = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            c[j] = Math.min(hi[j], Math.max(lo[j], x[j]));
        }
        double[] y = net.evaluate(c);
        for (int t = 0; t < y.length; t++) {
            if (t != label && y[t] >= y[label]) {
                return true;
            }
        }
        return false;
    }

    private static String table(String network, double eps, double limit, int certusThreads, int samples,
                                Map<String, List<Outcome>> results, List<Double> builds, int disagreements, int badExamples) {
        List<Outcome> certus = results.get("Certus");
        double certusTotal = certus.stream().mapToDouble(Outcome::seconds).sum();
        double certusMedian = Stats.median(certus.stream().mapToDouble(Outcome::seconds).toArray());
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "## %s, eps %s: %d correctly classified samples, time limit %s s%n%n", network, eps, samples, limit));
        b.append("| solver | solved (robust + vulnerable) | robust | vulnerable | timeout | error | total time | median | mean | median / Certus's | total / Certus's |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Outcome>> e : results.entrySet()) {
            List<Outcome> os = e.getValue();
            int robust = 0, vuln = 0, timeout = 0, error = 0;
            for (Outcome o : os) {
                switch (o.status()) {
                    case "robust" -> robust++;
                    case "vulnerable" -> vuln++;
                    case "timeout", "unknown" -> timeout++;
                    default -> error++;
                }
            }
            double[] t = os.stream().mapToDouble(Outcome::seconds).toArray();
            double total = Stats.sum(t), median = Stats.median(t);
            String name = e.getKey().equals("Certus") ? "Certus (" + certusThreads + " thread" + (certusThreads == 1 ? "" : "s") + ")"
                    : e.getKey() + " (OR-Tools, 1 thread)";
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.2f s | %.3f s | %.3f s | %.1f× | %.1f× |%n", name,
                    robust + vuln, robust, vuln, timeout, error, total, median, os.isEmpty() ? Double.NaN : total / os.size(),
                    median / certusMedian, total / certusTotal));
        }
        double[] bt = builds.stream().mapToDouble(Double::doubleValue).toArray();
        b.append(String.format(Locale.ROOT, "%nSolver times include the model build (symbolic bounds + MilpEncoder): median %.3f s, total %.2f s.%n",
                Stats.median(bt), Stats.sum(bt)));
        b.append(String.format(Locale.ROOT, "Decided answers that disagree with Certus: %d. Feasible MILP solutions that are not adversarial in an exact forward pass (MILP tolerance; the verdict may still be right): %d.%n",
                disagreements, badExamples));
        b.append("Reference: MIPVerify.jl + HiGHS, about 1.9 s per sample on average.\n");
        return b.toString();
    }
}
