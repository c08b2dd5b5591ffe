package org.certus.bench.sound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.certus.api.Verifier;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;

/**
 * The cost of soundness: wall-clock time of sound mode ({@link SearchOptions#defaults()}: FLOAT32
 * bounds, certified LPs) over fast mode ({@code withSound(false)}: real arithmetic, the LP solver's
 * word) on the same queries, with verdict counts per mode and any disagreement listed.
 *
 * <p>Suites: {@code mnist} — the bundled mnist-wk17a, L∞ ε, the first N MNIST test samples
 * (misclassified samples are skipped in both modes); {@code acasxu} — the VNN-COMP ACAS Xu
 * instances, read from {@code --dir} (a folder with {@code instances.csv}, {@code onnx/},
 * {@code vnnlib/}) or, when no folder is given, from the classpath copy if it has {@code vnnlib/}.
 * Each query runs in both modes back to back, alternating which goes first, with the same time limit.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.certus.bench.sound.CostOfSoundness \
 *     [--suite mnist|acasxu|both] [--samples 100] [--eps 0.1] [--limit 60] [--threads 1]
 *     [--dir /path/to/acasxu] [--stride 1] [--max N]
 * </pre>
 */
public final class CostOfSoundness {
    private static final String ACAS_RESOURCE = "/org/certus/benchmarks/acasxu/";

    private final Duration limit;
    private final int threads;

    private CostOfSoundness(Duration limit, int threads) {
        this.limit = limit;
        this.threads = threads;
    }

    /** Times and verdicts of one suite, per mode. */
    private static final class Tally {
        final String name;
        final List<Double> fast = new ArrayList<>();
        final List<Double> sound = new ArrayList<>();
        final Map<VerdictStatus, Integer> fastCounts = new EnumMap<>(VerdictStatus.class);
        final Map<VerdictStatus, Integer> soundCounts = new EnumMap<>(VerdictStatus.class);
        final List<String> disagreements = new ArrayList<>();

        Tally(String name) {
            this.name = name;
        }

        void add(String id, Verdict f, double tf, Verdict s, double ts) {
            fast.add(tf);
            sound.add(ts);
            fastCounts.merge(f.status(), 1, Integer::sum);
            soundCounts.merge(s.status(), 1, Integer::sum);
            if (f.status() != s.status()) {
                disagreements.add(id + ": fast " + f.status() + " sound " + s.status());
            }
        }

        void print() {
            System.out.println();
            System.out.println("== " + name + ": " + fast.size() + " queries");
            if (fast.isEmpty()) {
                return;
            }
            System.out.printf(Locale.ROOT, "  fast : %s  total %.2f s  median %.3f s%n", fastCounts, sum(fast), median(fast));
            System.out.printf(Locale.ROOT, "  sound: %s  total %.2f s  median %.3f s%n", soundCounts, sum(sound), median(sound));
            System.out.printf(Locale.ROOT, "  ratio sound/fast: total %.3f  median %.3f  median of per-query ratios %.3f%n",
                    sum(sound) / sum(fast), median(sound) / median(fast), medianRatio());
            System.out.println("  disagreements: " + (disagreements.isEmpty() ? "none" : disagreements));
        }

        double medianRatio() {
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < fast.size(); i++) {
                r.add(sound.get(i) / Math.max(fast.get(i), 1e-3));
            }
            return median(r);
        }
    }

    static double sum(List<Double> v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    }

    private SearchOptions options(boolean sound) {
        return SearchOptions.defaults().withTimeLimit(limit).withThreads(threads).withSound(sound);
    }

    /** Runs both modes on one property (alternating the order) and records them. */
    private void both(Tally t, String id, Verifier v, VnnlibProperty p, int index) {
        Verdict f, s;
        double tf, ts;
        if (index % 2 == 0) {
            long a = System.nanoTime();
            f = v.verify(p, options(false));
            long b = System.nanoTime();
            s = v.verify(p, options(true));
            long c = System.nanoTime();
            tf = (b - a) / 1e9;
            ts = (c - b) / 1e9;
        } else {
            long a = System.nanoTime();
            s = v.verify(p, options(true));
            long b = System.nanoTime();
            f = v.verify(p, options(false));
            long c = System.nanoTime();
            ts = (b - a) / 1e9;
            tf = (c - b) / 1e9;
        }
        t.add(id, f, tf, s, ts);
        System.out.printf(Locale.ROOT, "%-48s fast %-9s %8.3f s   sound %-9s %8.3f s%n", id, f.status(), tf, s.status(), ts);
    }

    Tally mnist(int samples, double eps) {
        Tally t = new Tally("mnist-wk17a eps " + eps + ", first " + samples + " MNIST test samples");
        Network net = NetworkLoader.load("mnist-wk17a");
        Dataset data = Datasets.load("mnist");
        Verifier v = Verifier.create(net);
        int skipped = 0;
        for (int i = 0; i < samples; i++) {
            double[] x = data.image(i);
            int label = data.label(i);
            if (net.predict(x) != label) {
                skipped++;
                continue;
            }
            InputBox box = RobustnessProperty.linfBall(x, eps, net.inputDomain().lower(), net.inputDomain().upper());
            VnnlibProperty p = RobustnessProperty.of(box, RobustnessProperty.untargeted(label, data.classCount()),
                    data.classCount(), 0.0);
            both(t, "mnist #" + i, v, p, i);
        }
        System.out.println("  (misclassified, skipped in both modes: " + skipped + ")");
        return t;
    }

    Tally acasxu(Path dir, int stride, int max) throws IOException {
        List<String> lines;
        if (dir != null) {
            lines = Files.readAllLines(dir.resolve("instances.csv"));
        } else {
            try (InputStream in = CostOfSoundness.class.getResourceAsStream(ACAS_RESOURCE + "instances.csv")) {
                if (in == null) {
                    throw new IOException("no bundled ACAS Xu instances.csv on the classpath");
                }
                lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
            }
            if (CostOfSoundness.class.getResource(ACAS_RESOURCE + "vnnlib/prop_1.vnnlib") == null) {
                throw new IOException("the bundled ACAS Xu copy has no vnnlib/ folder yet: pass --dir with the VNN-COMP acasxu folder");
            }
        }
        Tally t = new Tally("ACAS Xu (" + (dir != null ? dir : "classpath") + "), every " + stride + ". instance"
                + (max < Integer.MAX_VALUE ? ", at most " + max : "") + ", limit " + limit.toSeconds() + " s");
        int index = 0, taken = 0;
        for (String line : lines) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (index++ % stride != 0 || taken >= max) {
                continue;
            }
            taken++;
            String[] f = line.split(",");
            Network net;
            VnnlibProperty p;
            if (dir != null) {
                net = NetworkLoader.load(dir.resolve(f[0].strip()).toString());
                p = VnnlibParser.parse(dir.resolve(f[1].strip()), net.inputSize(), net.outputSize());
            } else {
                Path tmp = Files.createTempFile("certus-acas", ".onnx");
                try (InputStream in = CostOfSoundness.class.getResourceAsStream(ACAS_RESOURCE + f[0].strip())) {
                    Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                net = NetworkLoader.load(tmp.toString());
                Files.delete(tmp);
                try (InputStream in = CostOfSoundness.class.getResourceAsStream(ACAS_RESOURCE + f[1].strip())) {
                    p = VnnlibParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8), f[1], net.inputSize(),
                            net.outputSize());
                }
            }
            String id = Path.of(f[0].strip()).getFileName().toString().replace("_batch_2000.onnx", "") + " "
                    + Path.of(f[1].strip()).getFileName();
            both(t, id, Verifier.create(net), p, taken);
        }
        return t;
    }

    public static void main(String[] args) throws IOException {
        String suite = "both";
        int samples = 100;
        double eps = 0.1;
        int limit = 60;
        int threads = 1;
        Path dir = null;
        int stride = 1;
        int max = Integer.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--suite" -> { suite = v; i++; }
                case "--samples" -> { samples = Integer.parseInt(v); i++; }
                case "--eps" -> { eps = Double.parseDouble(v); i++; }
                case "--limit" -> { limit = Integer.parseInt(v); i++; }
                case "--threads" -> { threads = Integer.parseInt(v); i++; }
                case "--dir" -> { dir = Path.of(v); i++; }
                case "--stride" -> { stride = Integer.parseInt(v); i++; }
                case "--max" -> { max = Integer.parseInt(v); i++; }
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (options: --suite mnist|acasxu|both --samples N --eps E --limit S --threads T --dir D --stride K --max N)");
            }
        }
        if (dir == null && System.getProperty("certus.benchmarks") != null) {
            dir = Path.of(System.getProperty("certus.benchmarks"), "vnncomp", "acasxu");
        }
        CostOfSoundness c = new CostOfSoundness(Duration.ofSeconds(limit), threads);
        System.out.printf(Locale.ROOT, "cost of soundness: limit %d s per query, %d thread(s), %d processors%n", limit, threads,
                Runtime.getRuntime().availableProcessors());
        warmUp(c);
        List<Tally> all = new ArrayList<>();
        if (suite.equals("mnist") || suite.equals("both")) {
            all.add(c.mnist(samples, eps));
        }
        if (suite.equals("acasxu") || suite.equals("both")) {
            all.add(c.acasxu(dir, stride, max));
        }
        for (Tally t : all) {
            t.print();
        }
    }

    /** A few queries in both modes so that the first measured ones do not pay for JIT compilation. */
    private static void warmUp(CostOfSoundness c) {
        Network net = NetworkLoader.load("mnist-wk17a");
        Dataset data = Datasets.load("mnist");
        Verifier v = Verifier.create(net);
        for (int i = data.size() - 3; i < data.size(); i++) {
            InputBox box = RobustnessProperty.linfBall(data.image(i), 0.05, net.inputDomain().lower(), net.inputDomain().upper());
            VnnlibProperty p = RobustnessProperty.of(box, RobustnessProperty.untargeted(data.label(i), data.classCount()),
                    data.classCount(), 0.0);
            v.verify(p, c.options(false));
            v.verify(p, c.options(true));
        }
    }
}
