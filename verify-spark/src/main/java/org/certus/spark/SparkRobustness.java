package org.certus.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.certus.data.DataException;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.spec.SpecException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code certus robustness} as a Spark job: the samples of a range are an RDD of indices with one
 * sample per partition, so tasks are handed to free cores one sample at a time and a hard sample
 * never holds easy ones back. Each task verifies its sample with the library (network loaded once
 * per executor JVM, {@link ExecutorModels}) and writes {@code OUT/parts/sample-<i>.csv}
 * atomically; the driver then merges the parts into {@code OUT/summary.csv} (one row per sample,
 * sorted) and writes {@code OUT/report.md}. Running again into the same OUT skips samples whose part
 * exists, so a killed job resumes and a finished result is never lost.
 *
 * <p>Submit with {@code spark-submit --class org.certus.spark.SparkRobustness verify-spark-<v>.jar
 * --network mnist-wk17a --samples 0:9999 --eps 0.1 --out SHARED_DIR}; {@link #run(RobustnessJob,
 * SparkSession, PrintStream)} is the library entry (tests, benchmarks).
 */
@Command(name = "certus-spark-robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"certus robustness as a Spark job: one task per sample; results in OUT/parts, OUT/summary.csv and OUT/report.md.",
                "Running again into the same OUT resumes (samples with a part file are skipped)."})
public final class SparkRobustness implements Callable<Integer> {

    @Option(names = "--network", required = true, paramLabel = "NETWORK", description = "A bundled name (mnist-wk17a, ...) or a network file readable on every executor.")
    String network;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "DATASET", description = "mnist or cifar10 (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--samples", paramLabel = "A:B", description = "Samples A..B, 0-based and inclusive (default: all).")
    String samples;

    @Option(names = "--eps", required = true, paramLabel = "EPS", description = "Radius of the L∞ ball.")
    double eps;

    @Option(names = "--target", defaultValue = "untargeted", paramLabel = "untargeted|LABELS", description = "untargeted (default) or labels such as 3 or 3,5.")
    String target;

    @Option(names = "--margin", defaultValue = "0", paramLabel = "M", description = "A target must win by at least M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "SECONDS", description = "Per sample (default: ${DEFAULT-VALUE}).")
    double timeLimit;

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
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof ParameterException || e instanceof SparkRobustnessException || e instanceof NetworkException
                    || e instanceof DataException || e instanceof SpecException) {
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
        SparkSession spark = session(master, threadsPerTask, "certus robustness " + network + " eps " + SampleRow.number(eps));
        try {
            spark.sparkContext().setLogLevel("WARN");
            Outcome o = run(job, spark, stdout);
            return o.report().errors() > 0 ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    /** The validated job; the dataset is loaded here for its size and labels. */
    RobustnessJob job() {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new SparkRobustnessException("--eps must be a finite number >= 0, got " + eps);
        }
        if (!(timeLimit > 0) || Double.isInfinite(timeLimit)) {
            throw new SparkRobustnessException("--time-limit must be a positive number of seconds, got " + timeLimit);
        }
        if (!Double.isFinite(margin)) {
            throw new SparkRobustnessException("--margin must be a finite number, got " + margin);
        }
        if (threadsPerTask < 1) {
            throw new SparkRobustnessException("--threads-per-task must be at least 1, got " + threadsPerTask);
        }
        int[] labels = "untargeted".equals(target) ? new int[0] : parseLabels(target);
        Dataset data = ExecutorModels.dataset(dataset);
        int first = 0;
        int last = data.size() - 1;
        if (samples != null) {
            String[] p = samples.strip().split(":", -1);
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                first = Integer.parseInt(p[0].strip());
                last = Integer.parseInt(p[1].strip());
            } catch (NumberFormatException e) {
                throw new SparkRobustnessException("--samples '" + samples + "' is not a sample range A:B (0-based, inclusive, e.g. 0:99)");
            }
            if (first < 0 || last < first || last >= data.size()) {
                throw new SparkRobustnessException("--samples " + samples + " is out of range: dataset '" + data.name() + "' has " + data.size()
                        + " samples (0:" + (data.size() - 1) + ")");
            }
        }
        return new RobustnessJob(network, dataset, first, last, eps, labels, margin, timeLimit, threadsPerTask, out.toAbsolutePath().toString(), -1);
    }

    private static int[] parseLabels(String text) {
        Set<Integer> set = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            int t;
            try {
                t = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new SparkRobustnessException("--target '" + text + "' is neither 'untargeted' nor a list of labels such as 3 or 3,5");
            }
            if (t < 0) {
                throw new SparkRobustnessException("--target " + text + ": label " + t + " is negative");
            }
            set.add(t);
        }
        return set.stream().mapToInt(Integer::intValue).sorted().toArray();
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
    public record Outcome(List<SampleRow> rows, SparkReport report, int solvedNow, int skipped, double wallSeconds, Path summary) {
    }

    /** The library entry: one partition per sample. */
    public static Outcome run(RobustnessJob job, SparkSession spark, PrintStream out) throws IOException {
        return run(job, spark, out, 0);
    }

    /**
     * Runs the job on {@code spark}. {@code partitions} 0 means one sample per partition (the
     * default, dynamic load balance); a positive number splits the samples into that many contiguous
     * chunks (for the benchmark's comparison only).
     *
     * @throws SparkRobustnessException when OUT holds parts of another question or corrupt parts
     */
    public static Outcome run(RobustnessJob job, SparkSession spark, PrintStream out, int partitions) throws IOException {
        long wallStart = System.nanoTime();
        Path outDir = Path.of(job.out());
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new SparkRobustnessException("--out " + outDir + " is an existing file, not a folder");
        }
        // Loaded on the driver to fail early on a bad network; in local mode the tasks reuse them.
        Network net = ExecutorModels.network(job.network());
        Dataset data = ExecutorModels.dataset(job.dataset());
        if (net.inputSize() != data.pixelCount() || net.outputSize() != data.classCount()) {
            throw new SparkRobustnessException("network '" + net.name() + "' (" + net.inputSize() + " inputs, " + net.outputSize()
                    + " outputs) does not fit dataset '" + data.name() + "' (" + data.pixelCount() + " pixels, " + data.classCount() + " classes)");
        }
        for (int t : job.targets()) {
            if (t >= data.classCount()) {
                throw new SparkRobustnessException("--target " + t + " is out of range: dataset '" + data.name() + "' has labels 0.."
                        + (data.classCount() - 1));
            }
        }
        if (job.last() >= data.size()) {
            throw new SparkRobustnessException("samples " + job.first() + ":" + job.last() + " are out of range: dataset '" + data.name()
                    + "' has " + data.size() + " samples");
        }
        PartFiles parts = new PartFiles(outDir);
        Files.createDirectories(parts.dir());
        int removed = parts.removeStrayTempFiles();
        if (removed > 0) {
            out.println("removed " + removed + " temporary file(s) of interrupted tasks from " + parts.dir());
        }
        List<String> question = job.question(net.name(), data.name());
        checkQuestion(parts.readAll(), question, parts);

        // Resume: filter before parallelising, so finished samples cost nothing.
        Set<Integer> done = parts.done();
        List<Integer> todo = new ArrayList<>();
        for (int i = job.first(); i <= job.last(); i++) {
            if (!done.contains(i)) {
                todo.add(i);
            }
        }
        out.printf(Locale.ROOT, "network: %s, dataset: %s, samples %d:%d (%d to solve, %d already in %s)%n", net.name(), data.name(),
                job.first(), job.last(), todo.size(), job.count() - todo.size(), parts.dir());
        out.flush();
        if (!todo.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            jsc.setJobDescription("certus robustness: " + todo.size() + " samples of " + net.name());
            int slices = partitions > 0 ? Math.min(partitions, todo.size()) : todo.size();
            JavaRDD<Integer> indices = jsc.parallelize(todo, slices);
            RobustnessJob shipped = job;
            indices.map(i -> SampleSolver.solveAndWrite(shipped, i, TaskContext.get().attemptNumber()).status()).collect();
        }

        TreeMap<Integer, SampleRow> all = parts.readAll();
        checkQuestion(all, question, parts);
        List<SampleRow> rows = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = job.first(); i <= job.last(); i++) {
            SampleRow r = all.get(i);
            if (r == null) {
                missing.add(i);
            } else {
                rows.add(r);
            }
        }
        if (!missing.isEmpty()) {
            throw new SparkRobustnessException("the job ended but samples " + missing + " have no part file in " + parts.dir()
                    + "; run again with the same --out to solve them");
        }
        Path summary = outDir.resolve("summary.csv");
        StringBuilder csv = new StringBuilder(SampleRow.csvLine(SampleRow.HEADER));
        all.values().forEach(r -> csv.append(r.csvLine()));
        PartFiles.writeAtomically(summary, csv.toString().getBytes(StandardCharsets.UTF_8));

        SparkReport report = SparkReport.of(rows);
        double wall = (System.nanoTime() - wallStart) / 1e9;
        String options = String.format(Locale.ROOT, "network %s, dataset %s, samples %d:%d, eps %s, norm inf, perturbation linf, target %s, "
                        + "margin %s, objective feasible, tightening symbolic, time limit %s s, threads per task %d, master %s, "
                        + "default parallelism %d, out %s", net.name(), data.name(), job.first(), job.last(), job.epsText(), job.targetText(),
                job.marginText(), job.timeLimitText(), job.threadsPerTask(), spark.sparkContext().master(),
                spark.sparkContext().defaultParallelism(), outDir);
        List<String> table = report.table(options, wall);
        StringBuilder md = new StringBuilder("# Robustness report\n\nFrom the part files of samples ").append(job.first()).append(':')
                .append(job.last()).append(" in ").append(PartFiles.FOLDER).append("/ (Spark run).\n\n");
        table.forEach(l -> md.append(l).append('\n'));
        PartFiles.writeAtomically(outDir.resolve("report.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        out.println();
        table.forEach(out::println);
        out.flush();
        return new Outcome(rows, report, todo.size(), job.count() - todo.size(), wall, summary);
    }

    private static void checkQuestion(Map<Integer, SampleRow> rows, List<String> question, PartFiles parts) {
        for (SampleRow r : rows.values()) {
            if (!r.question().equals(question)) {
                throw new SparkRobustnessException(parts.file(r.sample()) + " holds a result for another question " + r.question() + ", not "
                        + question + "; choose another --out");
            }
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "no message";
        }
        String first = s.strip().lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}
