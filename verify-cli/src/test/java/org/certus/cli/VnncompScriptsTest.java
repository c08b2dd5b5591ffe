package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.certus.api.Load;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vnncomp_scripts/} as the competition calls them, on bundled ACAS Xu instances: prepare answers
 * 0, run writes the same verdicts as {@code certus vnncomp} in the competition's result format (a sat
 * counterexample that satisfies the property), a too-short TIMEOUT ends in time with {@code timeout},
 * and a wrong version string is refused. The scripts run the test class path (CERTUS_CLASSPATH), as
 * the shaded jar does not exist yet when tests run. Skipped where bash is absent.
 */
class VnncompScriptsTest {
    /** Fast instances of both answers (sat: 1_2 prop_2, 1_7 prop_4, 1_9 prop_7; unsat: 1_6 prop_1, 2_9 prop_4). */
    static final List<String[]> INSTANCES = List.of(
            new String[] {"onnx/ACASXU_run2a_1_2_batch_2000.onnx", "vnnlib/prop_2.vnnlib"},
            new String[] {"onnx/ACASXU_run2a_1_6_batch_2000.onnx", "vnnlib/prop_1.vnnlib"},
            new String[] {"onnx/ACASXU_run2a_1_7_batch_2000.onnx", "vnnlib/prop_4.vnnlib"},
            new String[] {"onnx/ACASXU_run2a_1_9_batch_2000.onnx", "vnnlib/prop_7.vnnlib"},
            new String[] {"onnx/ACASXU_run2a_2_9_batch_2000.onnx", "vnnlib/prop_4.vnnlib"});
    static final int TIMEOUT = 60;

    static final Path suite = AcasXuSuite.dir();

    @TempDir
    Path tmp;

    private static Path scripts() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("vnncomp_scripts/run_instance.sh"))) {
                return p.resolve("vnncomp_scripts");
            }
        }
        return null;
    }

    private static boolean bashAvailable() {
        try {
            Process p = new ProcessBuilder("bash", "-c", "exit 0").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path scriptsOrSkip() {
        assumeTrue(bashAvailable(), "bash not available");
        Path dir = scripts();
        assumeTrue(dir != null, "vnncomp_scripts/ not found above " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** Runs a script with bash; returns {exit code, stdout+stderr}. */
    private Object[] bash(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(suite.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("CERTUS_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("CERTUS_JAVA_OPTS", "-Xmx2g");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT + 30, TimeUnit.SECONDS), "script did not end: " + out);
        return new Object[] {p.exitValue(), out};
    }

    @Test
    void runInstanceGivesTheVerdictsOfCertusVnncomp() throws Exception {
        Path dir = scriptsOrSkip();
        StringBuilder csv = new StringBuilder();
        for (String[] i : INSTANCES) {
            csv.append(i[0]).append(',').append(i[1]).append(',').append(TIMEOUT).append('\n');
        }
        Path instances = tmp.resolve("instances.csv");
        Files.writeString(instances, csv);
        Path results = tmp.resolve("results.csv");
        CliRun r = CliRun.of("vnncomp", "--instances", instances.toString(), "--root", suite.toString(), "--results", results.toString(),
                "--expected", suite.resolve("expected.csv").toString(), "--quiet");
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, VnncompResults.Row> rows = VnncompResults.read(results);
        VnncompExpected expected = VnncompExpected.read(suite.resolve("expected.csv"));

        int sat = 0;
        for (String[] i : INSTANCES) {
            String label = i[0] + " " + i[1];
            Object[] prep = bash(dir.resolve("prepare_instance.sh"), "v1", "acasxu", i[0], i[1]);
            assertEquals(0, prep[0], () -> label + ": " + prep[1]);

            Path resultFile = tmp.resolve(Path.of(i[0]).getFileName() + "_" + Path.of(i[1]).getFileName() + ".txt");
            Object[] run = bash(dir.resolve("run_instance.sh"), "v1", "acasxu", i[0], i[1], resultFile.toString(), String.valueOf(TIMEOUT));
            assertEquals(0, run[0], () -> label + ": " + run[1]);
            List<String> lines = Files.readAllLines(resultFile, StandardCharsets.UTF_8);
            String word = lines.get(0);
            String vnncompWord = rows.get(VnncompResults.key(i[0], i[1])).result();
            assertEquals(vnncompWord, word, () -> label + ": run_instance.sh vs certus vnncomp\n" + run[1]);
            assertEquals(expected.answer(i[0], i[1]).orElseThrow(), word, label);
            if (word.equals("sat")) {
                sat++;
                assertCounterexampleHolds(i, lines, label);
            } else {
                assertEquals(1, lines.size(), () -> label + ": " + lines);
            }
        }
        assertTrue(sat > 0 && sat < INSTANCES.size(), "both answers are exercised");
        assertTrue(Files.list(tmp).noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary result file left");
    }

    /** The result file's ((X_i v) ... (Y_j v)) lies in the property's box, and the network's outputs there are unsafe. */
    private static void assertCounterexampleHolds(String[] instance, List<String> lines, String label) {
        Network net = Load.instanceNetwork(suite.resolve(instance[0]).toString());
        VnnlibProperty property = Load.property(suite.resolve(instance[1]), net);
        double[] x = new double[net.inputSize()];
        double[] y = new double[net.outputSize()];
        int xs = 0;
        int ys = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] t = line.replace("(", " ").replace(")", " ").trim().split("\\s+");
            assertEquals(2, t.length, () -> label + ": bad line '" + line + "'");
            int index = Integer.parseInt(t[0].substring(2));
            if (t[0].startsWith("X_")) {
                x[index] = Double.parseDouble(t[1]);
                xs++;
            } else {
                assertTrue(t[0].startsWith("Y_"), line);
                y[index] = Double.parseDouble(t[1]);
                ys++;
            }
        }
        assertEquals(net.inputSize(), xs, label);
        assertEquals(net.outputSize(), ys, label);
        assertTrue(property.isCounterexample(x, net.evaluate(x), 0.0, 0.0), label + ": the written counterexample does not violate");
        assertTrue(property.isCounterexample(x, y, 0.0, 0.0), label + ": the written outputs are not unsafe");
    }

    @Test
    void runInstanceHonoursTheTimeout() throws Exception {
        Path dir = scriptsOrSkip();
        // 3_3 prop_2 takes 15-25 s on two cores; TIMEOUT 3 must end with timeout soon after 3 s.
        Path resultFile = tmp.resolve("result.txt");
        int timeout = 3;
        long t0 = System.nanoTime();
        Object[] run = bash(dir.resolve("run_instance.sh"), "v1", "acasxu", "onnx/ACASXU_run2a_3_3_batch_2000.onnx",
                "vnnlib/prop_2.vnnlib", resultFile.toString(), String.valueOf(timeout));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, run[0], () -> String.valueOf(run[1]));
        assertEquals(List.of("timeout"), Files.readAllLines(resultFile, StandardCharsets.UTF_8), () -> String.valueOf(run[1]));
        // The hard stop is 2 s past TIMEOUT; the search itself ends well before it.
        assertTrue(seconds < timeout + 4, () -> String.format(Locale.ROOT, "took %.1f s for TIMEOUT %d: %s", seconds, timeout, run[1]));
    }

    @Test
    void wrongVersionOrArgumentsAreRefused() throws Exception {
        Path dir = scriptsOrSkip();
        Path resultFile = tmp.resolve("result.txt");
        Object[] v2 = bash(dir.resolve("run_instance.sh"), "v2", "acasxu", INSTANCES.get(0)[0], INSTANCES.get(0)[1], resultFile.toString(), "10");
        assertEquals(1, v2[0], () -> String.valueOf(v2[1]));
        assertTrue(String.valueOf(v2[1]).contains("v1"), () -> String.valueOf(v2[1]));
        Object[] badTimeout = bash(dir.resolve("run_instance.sh"), "v1", "acasxu", INSTANCES.get(0)[0], INSTANCES.get(0)[1],
                resultFile.toString(), "soon");
        assertEquals(1, badTimeout[0], () -> String.valueOf(badTimeout[1]));
        assertEquals(List.of("error"), Files.readAllLines(resultFile, StandardCharsets.UTF_8));
        Object[] missing = bash(dir.resolve("prepare_instance.sh"), "v1", "acasxu", "onnx/none.onnx", INSTANCES.get(0)[1]);
        assertEquals(1, missing[0], () -> String.valueOf(missing[1]));
    }
}
