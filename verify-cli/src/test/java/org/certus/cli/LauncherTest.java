package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./certus launcher end to end, as a process. Runs only when the shaded jar already exists:
 * in `mvn verify` tests run before packaging, and the launcher would otherwise start a nested
 * Maven build.
 */
class LauncherTest {
    @TempDir
    Path work;

    private static Path repoRoot() {
        // Surefire runs in the module directory (verify-cli); the launcher is one level up.
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("certus")) && Files.isDirectory(p.resolve("verify-cli"))) {
                return p;
            }
        }
        return null;
    }

    private static Path launcherOrSkip() {
        Path root = repoRoot();
        assumeTrue(root != null, "launcher not found");
        assumeTrue(Files.isRegularFile(root.resolve("verify-cli/target/certus.jar")), "certus.jar not built yet");
        return root.resolve("certus");
    }

    private static String[] run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out;
        byte[] err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher timed out");
        return new String[] {String.valueOf(p.exitValue()), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8)};
    }

    @Test
    void versionFromAnotherDirectory() throws Exception {
        Path launcher = launcherOrSkip();
        String[] r = run(work, launcher.toString(), "--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("certus "), r[1]);
    }

    @Test
    void relativePathsResolveAgainstTheCallersDirectory() throws Exception {
        Path launcher = launcherOrSkip();
        try (InputStream in = getClass().getResourceAsStream("/org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx")) {
            Files.copy(in, work.resolve("net.onnx"));
        }
        String[] ok = run(work, launcher.toString(), "info", "net.onnx");
        assertEquals("0", ok[0], ok[2]);
        assertTrue(ok[1].contains("ReLUs:        500"), ok[1]);

        String[] bad = run(work, launcher.toString(), "info", "missing.onnx");
        assertEquals("2", bad[0]);
        assertEquals(List.of("certus: error: missing.onnx: no such network file"), bad[2].lines().toList());
    }
}
