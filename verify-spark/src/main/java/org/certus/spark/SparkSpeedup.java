package org.certus.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.certus.api.RobustnessQuestion;
import org.certus.api.RobustnessReport;
import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SampleRange;

/**
 * Benchmark (not a test): {@link SparkRobustness} on samples 0..N-1 of mnist-wk17a at eps 0.1,
 * one thread per task, local[1] against local[2] (wall time → speed-up), one sample per partition
 * against two contiguous chunks on local[2] (the cost of static partitioning when samples differ in
 * difficulty), and the per-task overhead of Spark (a job of N empty one-element partitions).
 * Each configuration gets a fresh session and output folder; a warm-up job first loads the network
 * and warms the JIT.
 *
 * <pre>java -cp verify-spark/target/verify-spark-&lt;v&gt;.jar:SPARK_JARS/* org.certus.spark.SparkSpeedup [samples (50)] [time limit s (120)]</pre>
 * (or with the test class path: {@code mvn -pl verify-spark exec:java} is not configured; see README).
 */
public final class SparkSpeedup {
    private SparkSpeedup() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        double timeLimit = args.length > 1 ? Double.parseDouble(args[1]) : 120;
        Path root = Files.createTempDirectory("certus-spark-speedup");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "samples 0:%d of mnist-wk17a, eps 0.1, time limit %s s, threads per task 1, %d processors%n", n - 1,
                RobustnessRow.number(timeLimit), Runtime.getRuntime().availableProcessors());

        // Warm-up: network and dataset into this JVM, JIT of the hot paths.
        Result warm = solve("local[2]", 0, root.resolve("warmup"), 0, 3, timeLimit, quiet);
        System.out.printf(Locale.ROOT, "warm-up (samples 0..3, local[2]): %.2f s%n", warm.wall);

        Result one = solve("local[1]", 0, root.resolve("local1"), 0, n - 1, timeLimit, quiet);
        Result two = solve("local[2]", 0, root.resolve("local2"), 0, n - 1, timeLimit, quiet);
        Result chunks = solve("local[2]", 2, root.resolve("local2-chunks"), 0, n - 1, timeLimit, quiet);
        double[] overhead = emptyTasks("local[2]", n);

        System.out.println();
        System.out.println("| configuration | wall time | sum of per-sample times | speed-up vs local[1] |");
        System.out.println("|---|---|---|---|");
        row("local[1], one sample per partition", one, one);
        row("local[2], one sample per partition", two, one);
        row("local[2], 2 contiguous partitions", chunks, one);
        System.out.printf(Locale.ROOT, "%nstatuses (local[2]): %s%n", two.report);
        System.out.printf(Locale.ROOT, "slowest sample: %.2f s; median %.3f s%n", two.slowest, two.median);
        System.out.printf(Locale.ROOT, "per-task overhead, %d empty one-element tasks on local[2]: %.1f ms per task (job wall %.3f s); "
                + "second job: %.1f ms per task%n", n, overhead[0] * 1000 / n, overhead[0], overhead[1] * 1000 / n);
        System.out.printf(Locale.ROOT, "overhead of the local[2] run over ideal (sum/2): %.2f s, %.1f ms per sample%n",
                two.wall - two.sum / 2, (two.wall - two.sum / 2) * 1000 / n);
    }

    private record Result(double wall, double sum, double slowest, double median, String report) {
    }

    private static void row(String name, Result r, Result base) {
        System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2fx |%n", name, r.wall, r.sum, base.wall / r.wall);
    }

    private static Result solve(String master, int partitions, Path out, int first, int last, double timeLimit, PrintStream quiet)
            throws IOException {
        SparkSession spark = SparkRobustness.session(master, 1, "certus-spark-speedup");
        try {
            spark.sparkContext().setLogLevel("WARN");
            RobustnessQuestion question = RobustnessQuestion.builder().eps(0.1).timeLimitSeconds(timeLimit).threads(1).build();
            RobustnessJob job = new RobustnessJob("mnist-wk17a", "mnist", new SampleRange(first, last), question,
                    out.toAbsolutePath().toString(), -1);
            long t0 = System.nanoTime();
            SparkRobustness.Outcome o = SparkRobustness.run(job, spark, quiet, partitions);
            double wall = (System.nanoTime() - t0) / 1e9;
            double[] t = o.rows().stream().mapToDouble(RobustnessRow::timeSeconds).sorted().toArray();
            RobustnessReport r = o.report();
            StringBuilder counts = new StringBuilder();
            for (RobustnessStatus s : RobustnessStatus.values()) {
                counts.append(counts.isEmpty() ? "" : ", ").append(s.label()).append(' ').append(r.count(s));
            }
            System.out.printf(Locale.ROOT, "%s%s: %.2f s wall%n", master, partitions > 0 ? ", " + partitions + " partitions" : "", wall);
            return new Result(wall, r.totalSeconds(), t[t.length - 1], t[t.length / 2], counts.toString());
        } finally {
            spark.stop();
        }
    }

    /** Wall time of two jobs of {@code n} one-element partitions that do nothing: Spark's own cost per task. */
    private static double[] emptyTasks(String master, int n) {
        SparkSession spark = SparkRobustness.session(master, 1, "certus-spark-overhead");
        try {
            spark.sparkContext().setLogLevel("WARN");
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Integer> idx = new ArrayList<>(IntStream.range(0, n).boxed().toList());
            double[] w = new double[2];
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                jsc.parallelize(idx, n).map(i -> i).collect();
                w[k] = (System.nanoTime() - t0) / 1e9;
            }
            return w;
        } finally {
            spark.stop();
        }
    }
}
