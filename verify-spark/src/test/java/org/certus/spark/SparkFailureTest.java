package org.certus.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failed tasks, a killed job and resuming: every sample ends up exactly once. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparkFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aTaskThatFailsOnceIsRetriedAndEverySampleAppearsOnce() throws Exception {
        Path out = tmp.resolve("retry");
        // local[2,3]: two cores, each task may fail up to 3 times (local mode's default is 1).
        SparkSession spark = LocalSpark.start("local[2,3]");
        AtomicInteger failedTasks = new AtomicInteger();
        SparkRobustness.Outcome o;
        try {
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (!e.taskInfo().successful()) {
                        failedTasks.incrementAndGet();
                    }
                }
            });
            o = SparkRobustness.run(LocalSpark.job(out, 0, 5, 3), spark, LocalSpark.QUIET);
            // The listener bus is asynchronous: give it a moment to deliver the failure.
            for (int k = 0; k < 100 && failedTasks.get() == 0; k++) {
                Thread.sleep(50);
            }
        } finally {
            spark.stop();
        }
        assertEquals(1, failedTasks.get(), "the injected failure of sample 3's first attempt");
        assertEquals(6, o.solvedNow());
        assertEverySampleOnce(out, 0, 5);
    }

    @Test
    void withoutRetriesTheJobFailsAndARerunSolvesOnlyTheRest() throws Exception {
        Path out = tmp.resolve("noretry");
        SparkSession spark = LocalSpark.start("local[2]"); // maxFailures 1
        try {
            Exception e = assertThrows(Exception.class, () -> SparkRobustness.run(LocalSpark.job(out, 0, 5, 0), spark, LocalSpark.QUIET));
            assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.toString());
        } finally {
            spark.stop();
        }
        assertTrue(Files.notExists(out.resolve("summary.csv")), "no summary from a failed job");
        int before = new PartFiles(out).done().size();
        assertTrue(before < 6, "sample 0 failed: " + before + " parts");

        SparkSession again = LocalSpark.start("local[2]");
        SparkRobustness.Outcome o;
        try {
            o = SparkRobustness.run(LocalSpark.job(out, 0, 5, -1), again, LocalSpark.QUIET);
        } finally {
            again.stop();
        }
        // Tasks still running when the job failed may have finished their sample since (kept, as they should be).
        assertTrue(o.skipped() >= before && o.skipped() < 6, o.skipped() + " skipped, " + before + " before");
        assertEquals(6, o.skipped() + o.solvedNow());
        assertEverySampleOnce(out, 0, 5);
    }

    @Test
    void aJobStoppedMidRunResumesAndEverySampleAppearsOnce() throws Exception {
        Path out = tmp.resolve("kill");
        PartFiles parts = new PartFiles(out);
        SparkSession spark = LocalSpark.start("local[2]");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicReference<Integer> partsAtStop = new AtomicReference<>();
        try {
            Future<SparkRobustness.Outcome> run = pool.submit(() -> SparkRobustness.run(LocalSpark.job(out, 0, 11, -1), spark, LocalSpark.QUIET));
            // The "kill": stop the session as soon as 3 samples are finished.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (parts.done().size() < 3 && System.nanoTime() < deadline && !run.isDone()) {
                Thread.sleep(20);
            }
            partsAtStop.set(parts.done().size());
            long t0 = System.nanoTime();
            spark.stop();
            System.err.printf("stop after %d parts took %.1f s%n", partsAtStop.get(), (System.nanoTime() - t0) / 1e9);
            long t1 = System.nanoTime();
            try {
                run.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // the job was cancelled by the stop
            }
            System.err.printf("the stopped job returned after %.1f s%n", (System.nanoTime() - t1) / 1e9);
        } finally {
            pool.shutdownNow();
            spark.stop();
        }
        assertNotNull(partsAtStop.get());
        assertTrue(partsAtStop.get() >= 3 && partsAtStop.get() < 12, "stopped mid-run: " + partsAtStop.get() + " parts");
        int before = parts.done().size(); // tasks already running may still have finished their sample
        assertTrue(before < 12, "the stop came before the end: " + before);

        SparkSession again = LocalSpark.start("local[2]");
        SparkRobustness.Outcome o;
        try {
            o = SparkRobustness.run(LocalSpark.job(out, 0, 11, -1), again, LocalSpark.QUIET);
            System.err.printf("rerun: %d skipped, %d solved in %.1f s%n", o.skipped(), o.solvedNow(), o.wallSeconds());
        } finally {
            again.stop();
        }
        assertTrue(o.skipped() >= before && o.skipped() < 12, o.skipped() + " skipped, " + before + " before");
        assertEquals(12, o.skipped() + o.solvedNow());
        assertEverySampleOnce(out, 0, 11);
    }

    /** summary.csv: the header and exactly one row per sample, sorted; a part per sample; no temporary files left. */
    static void assertEverySampleOnce(Path out, int first, int last) throws IOException {
        List<RobustnessRow> rows = RobustnessRow.parse(Files.readString(out.resolve("summary.csv")));
        assertEquals(last - first + 1, rows.size(), rows.toString());
        for (int k = 0; k < rows.size(); k++) {
            assertEquals(first + k, rows.get(k).sample());
            assertNotEquals(RobustnessStatus.ERROR, rows.get(k).status(), rows.get(k).toString());
        }
        assertEquals(rows.size(), new PartFiles(out).latest().size());
        try (var files = Files.list(out.resolve(PartFiles.FOLDER))) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count(), "temporary files left");
        }
    }
}
