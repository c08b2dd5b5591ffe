package org.certus.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;

/**
 * End-to-end suite (not JMH): MIPVerify's robustness evaluation, untargeted, eps 0.1, on the first
 * MNIST test samples of mnist-wk17a and mnist-rsl18a, one sample after another, each with the
 * verifier's default options. Prints per network: status counts, total and median time per solved
 * (correctly classified) sample, nodes per second over the whole run, and the slowest samples.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.certus.bench.EndToEnd
 *     [--wk17a-samples N (100)] [--rsl18a-samples N (20)] [--eps E (0.1)]
 *     [--time-limit S (120)] [--threads T (available processors)] [--slowest K (5)] [--quiet]
 * </pre>
 * A count of 0 skips that network. No JIT warm-up: the first sample pays it, as in the CLI.
 */
public final class EndToEnd {
    private EndToEnd() {
    }

    public static void main(String[] args) {
        int wk = 100, rsl = 20, threads = Runtime.getRuntime().availableProcessors(), slowest = 5;
        double eps = 0.1, limit = 120;
        boolean quiet = false;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--wk17a-samples" -> wk = Integer.parseInt(args[++a]);
                case "--rsl18a-samples" -> rsl = Integer.parseInt(args[++a]);
                case "--eps" -> eps = Double.parseDouble(args[++a]);
                case "--time-limit" -> limit = Double.parseDouble(args[++a]);
                case "--threads" -> threads = Integer.parseInt(args[++a]);
                case "--slowest" -> slowest = Integer.parseInt(args[++a]);
                case "--quiet" -> quiet = true;
                default -> {
                    System.err.println("EndToEnd: unknown option " + args[a]
                            + " (--wk17a-samples N --rsl18a-samples N --eps E --time-limit S --threads T --slowest K --quiet)");
                    return;
                }
            }
        }
        Dataset data = Datasets.load("mnist");
        System.out.printf(Locale.ROOT, "EndToEnd: eps %s, untargeted, time limit %s s per sample, %d threads, %d processors, Java %s%n",
                eps, limit, threads, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<String> tables = new ArrayList<>();
        if (wk > 0) {
            tables.add(suite("mnist-wk17a", wk, data, eps, limit, threads, slowest, quiet));
        }
        if (rsl > 0) {
            tables.add(suite("mnist-rsl18a", rsl, data, eps, limit, threads, slowest, quiet));
        }
        System.out.println();
        tables.forEach(System.out::println);
    }

    private static String suite(String name, int n, Dataset data, double eps, double limit, int threads, int slowest, boolean quiet) {
        Network net = NetworkLoader.load(name);
        CertusRun runner = new CertusRun(net, data, eps, limit, threads);
        List<CertusRun.Result> rs = new ArrayList<>();
        long w0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            CertusRun.Result r = runner.run(i);
            rs.add(r);
            if (!quiet) {
                System.out.printf(Locale.ROOT, "%s sample %d: %s %.3f s, %d nodes, %d unstable%n", name, i, r.status(), r.seconds(),
                        r.nodes(), r.unstableAtRoot());
            }
        }
        double wall = (System.nanoTime() - w0) / 1e9;
        String t = table(name, rs, wall, slowest);
        if (!quiet) {
            // Also right away, so that a long second suite cannot hold back (or, killed, lose) this one.
            System.out.println();
            System.out.println(t);
        }
        return t;
    }

    static String table(String name, List<CertusRun.Result> rs, double wall, int slowest) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String s : new String[] {"misclassified", "robust", "vulnerable", "timeout", "unknown", "error"}) {
            counts.put(s, 0);
        }
        List<CertusRun.Result> solved = new ArrayList<>();
        long nodes = 0;
        double total = 0;
        for (CertusRun.Result r : rs) {
            counts.merge(r.status(), 1, Integer::sum);
            if (r.solved()) {
                solved.add(r);
                nodes += r.nodes();
                total += r.seconds();
            }
        }
        double[] t = solved.stream().mapToDouble(CertusRun.Result::seconds).toArray();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "## %s: %d samples%n%n| | |%n|---|---|%n", name, rs.size()));
        for (String s : new String[] {"misclassified", "robust", "vulnerable", "timeout", "unknown", "error"}) {
            b.append(String.format(Locale.ROOT, "| %s | %d |%n", s, counts.get(s)));
        }
        b.append(String.format(Locale.ROOT, "| total time, solved samples | %.2f s (%d solved; wall %.2f s) |%n", total, solved.size(), wall));
        b.append(String.format(Locale.ROOT, "| median time per solved sample | %.3f s |%n", Stats.median(t)));
        b.append(String.format(Locale.ROOT, "| mean time per solved sample | %.3f s |%n", solved.isEmpty() ? Double.NaN : total / solved.size()));
        b.append(String.format(Locale.ROOT, "| nodes, nodes per second overall | %d, %.1f /s |%n", nodes, total > 0 ? nodes / total : Double.NaN));
        b.append(String.format(Locale.ROOT, "%nslowest samples:%n%n| sample | status | time | nodes | nodes/s | unstable at root |%n|---|---|---|---|---|---|%n"));
        solved.stream().sorted(Comparator.comparingDouble(CertusRun.Result::seconds).reversed()).limit(slowest)
                .forEach(r -> b.append(String.format(Locale.ROOT, "| %d | %s | %.2f s | %d | %.1f | %d |%n", r.sample(), r.status(),
                        r.seconds(), r.nodes(), r.nodes() / Math.max(r.seconds(), 1e-9), r.unstableAtRoot())));
        return b.toString();
    }
}
