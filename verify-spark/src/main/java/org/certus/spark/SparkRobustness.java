package org.certus.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.certus.api.AppendOnlyFile;
import org.certus.api.EvaluationException;
import org.certus.api.Rerun;
import org.certus.api.RobustnessEvaluation;
import org.certus.api.RobustnessQuestion;
import org.certus.api.RobustnessReport;
import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SampleRange;
import org.certus.cli.EvaluationOptions;
import org.certus.data.DataException;
import org.certus.data.Dataset;
import org.certus.nn.NetworkException;
import org.certus.spec.SpecException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code certus robustness} as a Spark job: the library's {@link RobustnessEvaluation}, with the samples of a
 * range as an RDD of indices, one sample per partition, so tasks are handed to free cores one sample at a time
 * and a hard sample never holds easy ones back. Each task solves its sample with the library (network loaded
 * once per executor JVM, {@link ExecutorModels}), which writes its example files into {@code OUT/examples/} and
 * its row into {@code OUT/parts/sample-<i>.csv} atomically; the driver then writes {@code OUT/summary.csv} (one
 * row per sample, sorted) and {@code OUT/report.md} from the parts — the same files as {@code certus robustness}.
 * This class only decides where rows live and which tasks run. Running again into the same OUT skips samples
 * whose part exists, so a killed job resumes and a finished result is never lost.
 *
 * <p>Submit with {@code spark-submit --class org.certus.spark.SparkRobustness verify-spark-<v>.jar
 * --network mnist-wk17a --samples 0:9999 --eps 0.1 --out SHARED_DIR}; {@link #run(RobustnessJob,
 * SparkSession, PrintStream)} is the library entry (tests, benchmarks).
 */
@Command(name = "certus-spark-robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"certus robustness as a Spark job: one task per sample; results in OUT/parts, OUT/summary.csv and OUT/report.md.",
                "Running again into the same OUT resumes (samples with a part file are skipped)."})
public final class SparkRobustness implements Callable<Integer> {

    /** What is evaluated and asked of each sample: the same options as {@code certus robustness}. */
    @Mixin
    EvaluationOptions options;

    @Option(names = "--threads-per-task", defaultValue = "1", paramLabel = "N",
            description = "Search threads of one sample (default: ${DEFAULT-VALUE}); sets spark.task.cpus unless given.")
    int threadsPerTask;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder on a file system shared by the driver and all executors; an existing one is resumed.")
    Path out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master, e.g. local[8] (default: spark-submit's, else local[*]).")
    String master;

    private PrintStream stdout = System.out;

    /** Runs the command line; never exits the JVM. Exit codes as certus: 0, 1 (some sample in error, or the job failed), 2 (bad input). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SparkRobustness cmd = new SparkRobustness();
        cmd.stdout = out;
        CommandLine cl = new CommandLine(cmd);
        EvaluationOptions.strictValues(cl);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof ParameterException || e instanceof SparkRobustnessException || e instanceof EvaluationException
                    || e instanceof NetworkException || e instanceof DataException || e instanceof SpecException) {
                err.println("certus-spark: error: " + e.getMessage());
                return 2;
            }
            if (e instanceof org.apache.spark.SparkException || e.getClass().getName().startsWith("org.apache.spark")) {
                err.println("certus-spark: error: the Spark job failed (" + oneLine(e.getMessage()) + "); finished samples are kept in "
                        + cmd.out.resolve(PartFiles.FOLDER) + ", run again with the same --out to resume");
                return 1;
            }
            err.println("certus-spark: internal error: " + e);
            e.printStackTrace(err);
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("certus-spark: error: " + e.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code); // an application's main (spark-submit), not a library: the exit code is its answer
        }
    }

    @Override
    public Integer call() throws IOException {
        RobustnessJob job = job();
        SparkSession spark = session(master, threadsPerTask, "certus robustness " + options.network() + " " + job.question().shortName());
        try {
            spark.sparkContext().setLogLevel("WARN");
            Outcome o = run(job, spark, stdout);
            return o.report().count(RobustnessStatus.ERROR) > 0 ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    /** The validated job: the library's question; the dataset is loaded here for its size and labels. */
    RobustnessJob job() {
        if (threadsPerTask < 1) {
            throw new SparkRobustnessException("--threads-per-task must be at least 1, got " + threadsPerTask);
        }
        RobustnessQuestion question = options.question(threadsPerTask);
        Dataset data = ExecutorModels.dataset(options.dataset());
        SampleRange range = options.samples(data.size());
        RobustnessEvaluation.checkDataset(data, range, question);
        return new RobustnessJob(options.network(), options.dataset(), range, question, out.toAbsolutePath().toString(), -1);
    }

    /**
     * A session for this job. Under spark-submit the master and settings come from it; otherwise
     * {@code master} (default {@code local[*]}). Local masters bind to 127.0.0.1 without a web UI:
     * nothing is reached beyond this machine.
     */
    public static SparkSession session(String master, int threadsPerTask, String appName) {
        SparkConf submitted = new SparkConf(); // spark.* system properties, as set by spark-submit
        String m = master != null ? master : submitted.get("spark.master", "local[*]");
        SparkSession.Builder b = SparkSession.builder().appName(appName).master(m);
        if (m.startsWith("local")) {
            b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false");
        }
        if (threadsPerTask > 1 && !submitted.contains("spark.task.cpus")) {
            b.config("spark.task.cpus", Integer.toString(threadsPerTask));
        }
        return b.getOrCreate();
    }

    /** What a run did: the rows of its range, the report, how many samples it solved and skipped. */
    public record Outcome(List<RobustnessRow> rows, RobustnessReport report, int solvedNow, int skipped, double wallSeconds, Path summary) {
    }

    /** The library entry: one partition per sample. */
    public static Outcome run(RobustnessJob job, SparkSession spark, PrintStream out) throws IOException {
        return run(job, spark, out, 0);
    }

    /**
     * Runs the job on {@code spark}: the library's {@link RobustnessEvaluation}, each sample solved in a task into
     * its part file ({@link PartFiles}), then {@code summary.csv} and {@code report.md} written from the parts on the
     * driver. {@code partitions} 0 means one sample per partition (the default, dynamic load balance); a positive
     * number splits the samples into that many contiguous chunks (for the benchmark's comparison only). The driver
     * holds the lock of {@code OUT/parts} while it runs, so a second job into the same OUT is refused.
     *
     * @throws org.certus.api.EvaluationException when OUT holds parts of another question
     * @throws SparkRobustnessException when OUT holds corrupt parts
     */
    public static Outcome run(RobustnessJob job, SparkSession spark, PrintStream out, int partitions) throws IOException {
        long wallStart = System.nanoTime();
        Path outDir = Path.of(job.out());
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new SparkRobustnessException("--out " + outDir + " is an existing file, not a folder");
        }
        // Built on the driver to fail early on a bad network; in local mode the tasks reuse the network.
        RobustnessEvaluation evaluation = job.evaluation();
        PartFiles parts = new PartFiles(outDir);
        Files.createDirectories(parts.dir());
        try (AppendOnlyFile lock = AppendOnlyFile.open(parts.dir().resolve(PartFiles.LOCK), "certus-spark robustness")) {
            int removed = parts.removeStrayTempFiles();
            if (removed > 0) {
                out.println("removed " + removed + " temporary file(s) of interrupted tasks from " + parts.dir());
            }
            evaluation.removeStrayTempFiles(f -> out.println("removed " + f + " (left by an interrupted run)"));
            evaluation.checkStore(parts, parts.dir().toString(), "choose another --out");

            // Resume: filter before parallelising, so finished samples cost nothing.
            List<Integer> todo = evaluation.todo(parts, Rerun.NEVER);
            SampleRange range = job.samples();
            out.printf(Locale.ROOT, "network: %s, dataset: %s, samples %s (%d to solve, %d already in %s)%n",
                    evaluation.verifier().network().name(), job.dataset(), range, todo.size(), range.count() - todo.size(), parts.dir());
            out.flush();
            if (!todo.isEmpty()) {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                jsc.setJobDescription("certus robustness: " + todo.size() + " samples of " + evaluation.verifier().network().name());
                int slices = partitions > 0 ? Math.min(partitions, todo.size()) : todo.size();
                JavaRDD<Integer> indices = jsc.parallelize(todo, slices);
                RobustnessJob shipped = job;
                indices.map(i -> solveInTask(shipped, i, TaskContext.get().attemptNumber())).collect();
            }

            Map<Integer, RobustnessRow> all = parts.latest();
            evaluation.checkStore(parts, parts.dir().toString(), "choose another --out");
            List<RobustnessRow> rows = evaluation.rows(parts);
            Path summary = evaluation.writeSummary(new ArrayList<>(all.values()));
            RobustnessReport report = RobustnessReport.of(rows);
            double wall = (System.nanoTime() - wallStart) / 1e9;
            String options = evaluation.describe() + String.format(Locale.ROOT, ", master %s, default parallelism %d, out %s",
                    spark.sparkContext().master(), spark.sparkContext().defaultParallelism(), outDir);
            List<String> table = evaluation.writeReport(report, options, wall);
            out.println();
            table.forEach(out::println);
            out.flush();
            return new Outcome(rows, report, todo.size(), range.count() - todo.size(), wall, summary);
        }
    }

    /**
     * The work of one task: the library solves the sample, writes its example files and its part. Only I/O failures
     * (and the test hook) escape, so that Spark retries the task; a per-sample failure is an {@code error} row.
     *
     * @return the sample's status
     */
    static String solveInTask(RobustnessJob job, int sample, int attempt) throws IOException {
        if (sample == job.failFirstAttemptOf() && attempt == 0) {
            throw new IllegalStateException("injected failure of the first attempt of sample " + sample + " (test hook)");
        }
        return job.evaluation().solve(sample, new PartFiles(Path.of(job.out()))).status().label();
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "no message";
        }
        String first = s.strip().lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}
