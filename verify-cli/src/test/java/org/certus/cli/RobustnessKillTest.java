package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.certus.api.RobustnessRow;
import org.certus.api.RobustnessStatus;
import org.certus.api.SummaryFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL at a random moment and then resumed ends with exactly the rows of an
 * uninterrupted run: each sample once, same statuses. The run under test is a separate JVM (the
 * test classpath, main class {@link Certus}) so that the kill is real.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class RobustnessKillTest {
    /** Change to replay another kill moment; printed by the test. */
    static final long SEED = Long.getLong("certus.killSeed", 20240611L);

    @TempDir
    Path tmp;

    @Test
    void killedAndResumedRunMatchesAnUninterruptedOne() throws Exception {
        Random random = new Random(SEED);
        // The kill moment is "after the k-th row, plus d ms" rather than a bare delay: JVM start and
        // network load vary a lot between machines, and a bare delay would often kill before the
        // first row or after the last. d spans about a sample's solving time, so the kill lands
        // anywhere inside a sample, including between its example files and its row.
        int afterRows = random.nextInt(25);
        long delayMillis = random.nextInt(1_500);
        System.out.println("RobustnessKillTest: seed " + SEED + ", SIGKILL " + delayMillis + " ms after row " + afterRows);

        Path killed = tmp.resolve("killed");
        List<String> args = List.of("robustness", "--network", "mnist-wk17a", "--samples", "0:29", "--eps", "0.1", "--threads", "1",
                "--time-limit", "60", "--out", killed.toString());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Certus.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("child.out").toFile())
                .redirectError(tmp.resolve("child.err").toFile()).start();
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (p.isAlive() && rows(killed) < afterRows && System.nanoTime() < giveUp) {
            Thread.sleep(5);
        }
        boolean finishedEarly = p.waitFor(delayMillis, TimeUnit.MILLISECONDS);
        if (!finishedEarly) {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed process ended");
        }
        int rowsAtKill = rows(killed);
        System.out.println("RobustnessKillTest: " + (finishedEarly ? "finished before the kill" : "killed") + " with " + rowsAtKill
                + " rows written");

        RobustnessCommandTest.Result resumed = RobustnessCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.err());

        Path reference = tmp.resolve("reference");
        List<String> refArgs = new ArrayList<>(args);
        refArgs.set(refArgs.indexOf(killed.toString()), reference.toString());
        RobustnessCommandTest.Result ref = RobustnessCommandTest.run(refArgs.toArray(String[]::new));
        assertEquals(0, ref.code(), ref.err());

        RobustnessCommandTest.assertEachSampleOnce(killed, 0, 29);
        assertEquals(statuses(reference), statuses(killed));
        // A vulnerable sample has its example files whether or not it was interrupted.
        for (Map.Entry<Integer, RobustnessStatus> e : statuses(killed).entrySet()) {
            if (e.getValue() == RobustnessStatus.VULNERABLE) {
                assertTrue(Files.exists(killed.resolve("examples/sample-" + e.getKey() + ".json")));
                assertTrue(Files.exists(killed.resolve("examples/sample-" + e.getKey() + ".png")));
            }
        }
        try (var files = Files.list(killed.resolve("examples"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        } catch (java.nio.file.NoSuchFileException noExamples) {
            // no vulnerable sample at all: nothing to check
        }
    }

    /** Complete rows so far (a partial last line does not count). */
    static int rows(Path out) throws IOException {
        Path f = out.resolve("summary.csv");
        if (!Files.exists(f)) {
            return 0;
        }
        String s = Files.readString(f);
        return (int) Math.max(0, s.chars().filter(c -> c == '\n').count() - 1);
    }

    static Map<Integer, RobustnessStatus> statuses(Path out) throws IOException {
        Map<Integer, RobustnessStatus> m = new HashMap<>();
        for (RobustnessRow r : SummaryFile.readAll(out.resolve("summary.csv"))) {
            m.put(r.sample(), r.status());
        }
        return m;
    }

}
