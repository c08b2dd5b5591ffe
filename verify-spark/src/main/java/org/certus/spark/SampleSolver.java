package org.certus.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.certus.api.Verifier;
import org.certus.bnb.Counterexample;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

/**
 * The work of one task: one sample, decided with the same library calls and options as
 * {@code certus robustness} (misclassified clean image → not solved; otherwise
 * {@code Verifier.verify(RobustnessProperty.of(linfBall(x, eps, domain), targets, classes, margin))}
 * with the time limit and thread count), its counterexample re-checked here by an exact forward
 * pass. A per-sample failure becomes an {@code error} row (message in {@code OUT/errors/}); only
 * I/O failures and the test hook escape, so that Spark retries the task.
 */
public final class SampleSolver {
    /** As certus robustness: a counterexample on the ball's rounded boundary may exceed eps by this much in L∞. */
    static final double BALL_TOLERANCE = 1e-9;

    private SampleSolver() {
    }

    /** Solves sample {@code i} and writes its part file; returns the row. */
    public static SampleRow solveAndWrite(RobustnessJob job, int i, int attempt) throws IOException {
        if (i == job.failFirstAttemptOf() && attempt == 0) {
            throw new IllegalStateException("injected failure of the first attempt of sample " + i + " (test hook)");
        }
        Path out = Path.of(job.out());
        SampleRow row = solve(job, i, out);
        new PartFiles(out).write(row);
        return row;
    }

    static SampleRow solve(RobustnessJob job, int i, Path out) throws IOException {
        long t0 = System.nanoTime();
        Dataset data = ExecutorModels.dataset(job.dataset());
        Verifier verifier = ExecutorModels.verifier(job.network());
        Network net = verifier.network();
        int label = data.label(i);
        int predicted = -1;
        try {
            double[] x = data.image(i);
            double[] clean = net.evaluate(x);
            predicted = argmax(clean);
            if (predicted != label) {
                return row(job, net, data, i, label, predicted, SampleRow.MISCLASSIFIED, Double.NaN, Double.NaN, t0, 0);
            }
            int classes = net.outputSize();
            int[] raw = job.untargeted() ? RobustnessProperty.untargeted(label, classes) : job.targets();
            int[] targets = Arrays.stream(raw).filter(t -> t != label).toArray();
            if (targets.length == 0) {
                // Only the sample's own label was a target: nothing to find, robust by definition.
                return row(job, net, data, i, label, predicted, SampleRow.ROBUST, job.eps(), Double.NaN, t0, 0);
            }
            InputBox region = RobustnessProperty.linfBall(x, job.eps(), net.inputDomain().lower(), net.inputDomain().upper());
            SearchOptions options = SearchOptions.defaults()
                    .withTimeLimit(Duration.ofNanos(Math.round(job.timeLimitSeconds() * 1e9)))
                    .withThreads(job.threadsPerTask());
            Verdict v = verifier.verify(RobustnessProperty.of(region, targets, classes, job.margin()), options);
            long nodes = v.statistics().nodes();
            return switch (v.status()) {
                case VERIFIED -> row(job, net, data, i, label, predicted, SampleRow.ROBUST, job.eps(), Double.NaN, t0, nodes);
                case TIMEOUT -> row(job, net, data, i, label, predicted, SampleRow.TIMEOUT, Double.NaN, Double.NaN, t0, nodes);
                case UNKNOWN -> row(job, net, data, i, label, predicted, SampleRow.UNKNOWN, Double.NaN, Double.NaN, t0, nodes);
                case FALSIFIED -> {
                    Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                    double[] y = net.evaluate(ce.input());
                    double dist = linfDistance(x, ce.input());
                    String problem = recheck(ce.input(), y, region, targets, classes, dist, job);
                    if (problem != null) {
                        logError(out, i, "the verifier's counterexample fails the re-check: " + problem + " (a bug; please report it)");
                        yield row(job, net, data, i, label, predicted, SampleRow.ERROR, Double.NaN, Double.NaN, t0, nodes);
                    }
                    yield row(job, net, data, i, label, predicted, SampleRow.VULNERABLE, Double.NaN, dist, t0, nodes);
                }
            };
        } catch (RuntimeException | StackOverflowError e) {
            logError(out, i, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ")));
            return row(job, net, data, i, label, predicted, SampleRow.ERROR, Double.NaN, Double.NaN, t0, 0);
        }
    }

    /** Independent of the engine: region membership, distance and the target condition on the exact forward pass. */
    static String recheck(double[] adv, double[] y, InputBox region, int[] targets, int classes, double dist, RobustnessJob job) {
        if (!region.contains(adv, 0.0)) {
            return "it lies outside the region (ball ∩ input domain)";
        }
        if (!(dist <= job.eps() + BALL_TOLERANCE)) {
            return "its L∞ distance " + dist + " exceeds eps " + job.eps();
        }
        boolean[] isTarget = new boolean[classes];
        for (int t : targets) {
            isTarget[t] = true;
        }
        for (int t : targets) {
            boolean wins = true;
            for (int j = 0; j < classes && wins; j++) {
                wins = isTarget[j] || y[t] >= y[j] + job.margin();
            }
            if (wins) {
                return null;
            }
        }
        return "no target label beats the others by " + job.margin() + " on the exact forward pass";
    }

    /** {@code OUT/errors/sample-<i>.txt}, one file per sample so that executors never append to a shared file. */
    private static void logError(Path out, int i, String message) throws IOException {
        System.err.println("certus-spark: error: sample " + i + ": " + message);
        Path dir = out.resolve("errors");
        java.nio.file.Files.createDirectories(dir);
        PartFiles.writeAtomically(dir.resolve("sample-" + i + ".txt"), (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static SampleRow row(RobustnessJob job, Network net, Dataset data, int i, int label, int predicted, String status, double lower,
            double upper, long t0, long nodes) {
        return new SampleRow(i, label, predicted, status, lower, upper, (System.nanoTime() - t0) / 1e9, nodes, net.name(), data.name(),
                job.epsText(), "inf", "linf", job.targetText(), job.marginText(), job.timeLimitText());
    }

    static int argmax(double[] y) {
        return org.certus.nn.Logits.argmax(y);
    }

    static double linfDistance(double[] a, double[] b) {
        return org.certus.bnb.Norm.LINF.distance(a, b);
    }
}
