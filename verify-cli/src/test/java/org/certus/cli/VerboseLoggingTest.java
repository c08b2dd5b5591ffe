package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --verbose} shows the library's SLF4J logging on stderr (through slf4j-simple, configured in
 * {@link Certus#main} before the first logger exists, hence a separate JVM per run); without it the
 * output is as before. stdout never carries log lines.
 */
class VerboseLoggingTest {
    @TempDir
    Path tmp;

    private String[] certus(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), Certus.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(tmp.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "certus did not end");
        String err = java.nio.file.Files.readString(tmp.resolve("err.txt"));
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    private String[] robustness(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("robustness", "--network", "mnist-wk17a", "--samples", "8:8", "--eps", "0.1",
                "--threads", "1", "--quiet", "--out", tmp.resolve("run" + System.nanoTime()).toString()));
        args.addAll(List.of(extra));
        return certus(args.toArray(new String[0]));
    }

    @Test
    void verboseShowsTheSearchStagesAndDebugMore() throws Exception {
        String[] quiet = robustness();
        assertEquals("0", quiet[0], quiet[2]);
        assertFalse(quiet[2].contains("BranchAndBound"), quiet[2]);

        String[] info = robustness("--verbose");
        assertEquals("0", info[0], info[2]);
        assertTrue(info[2].contains("INFO BranchAndBound - root of 'mnist-wk17a'"), info[2]);
        assertTrue(info[2].contains("INFO BranchAndBound - verdict: FALSIFIED"), info[2]);
        assertFalse(info[2].contains("DEBUG"), info[2]);
        assertFalse(info[1].contains("BranchAndBound"), "logs stay off stdout: " + info[1]);

        String[] debug = robustness("-vv");
        assertEquals("0", debug[0], debug[2]);
        assertTrue(debug[2].contains("DEBUG BranchAndBound - search on 'mnist-wk17a': 784 inputs"), debug[2]);
        // The same answer either way.
        assertEquals(quiet[1].lines().filter(l -> l.contains("vulnerable")).count(), info[1].lines().filter(l -> l.contains("vulnerable")).count());
    }

    @Test
    void verbosityCountsEveryFlagBeforeTheEndOfOptions() {
        assertEquals(0, Certus.verbosity(new String[] {"info", "x.onnx"}));
        assertEquals(1, Certus.verbosity(new String[] {"--verbose", "info", "x"}));
        assertEquals(2, Certus.verbosity(new String[] {"info", "-v", "x", "--verbose"}));
        assertEquals(3, Certus.verbosity(new String[] {"-vvv", "info"}));
        assertEquals(0, Certus.verbosity(new String[] {"info", "--", "-v"}));
        assertEquals(0, Certus.verbosity(new String[] {"-version", "-V"}));
    }
}
