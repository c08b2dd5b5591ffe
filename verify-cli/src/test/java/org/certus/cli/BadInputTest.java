package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI's contract for bad input: exit code 2, exactly one line on stderr that says what is
 * wrong (and names the file when there is one), no stack trace, nothing on stdout.
 */
class BadInputTest {
    private static final String WK17A = "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx";

    @TempDir
    static Path dir;

    static void assertOneLineError(CliRun r, String... fragments) {
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "exactly one stderr line\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("certus: error: "), r::toString);
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "expected '" + f + "' in the error\n" + r);
        }
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(r.out().contains("accuracy:"), r::toString);
    }

    static byte[] bundledWk17a() throws IOException {
        try (InputStream in = BadInputTest.class.getResourceAsStream(WK17A)) {
            return in.readAllBytes();
        }
    }

    @Test
    void missingFile() {
        String missing = dir.resolve("no-such-net.onnx").toString();
        assertOneLineError(CliRun.of("info", missing), missing);
        assertOneLineError(CliRun.of("evaluate", "--network", missing, "--dataset", "mnist"), missing);
    }

    @Test
    void truncatedOnnx() throws IOException {
        byte[] full = bundledWk17a();
        Path half = dir.resolve("half.onnx");
        Files.write(half, Arrays.copyOf(full, full.length / 2));
        assertOneLineError(CliRun.of("info", half.toString()), half.toString());
        assertOneLineError(CliRun.of("evaluate", "--network", half.toString(), "--dataset", "mnist"), half.toString());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 17, 4242})
    void randomBytesAsOnnx(long seed) throws IOException {
        byte[] junk = new byte[1 + new Random(seed).nextInt(4096)];
        new Random(seed).nextBytes(junk);
        Path f = dir.resolve("random-" + seed + ".onnx");
        Files.write(f, junk);
        CliRun r = CliRun.of("info", f.toString());
        assertOneLineError(r, f.toString());
    }

    @Test
    void emptyOnnxFile() throws IOException {
        Path f = dir.resolve("empty.onnx");
        Files.write(f, new byte[0]);
        assertOneLineError(CliRun.of("info", f.toString()), f.toString());
    }

    @Test
    void truncatedGzippedOnnx() throws IOException {
        Path f = dir.resolve("cut.onnx.gz");
        // A gzip header followed by nothing.
        Files.write(f, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0});
        assertOneLineError(CliRun.of("info", f.toString()), f.toString());
    }

    @Test
    void unknownExtensionAndDirectory() throws IOException {
        Path f = dir.resolve("net.h5");
        Files.writeString(f, "not a network");
        assertOneLineError(CliRun.of("info", f.toString()), f.toString(), "format");
        assertOneLineError(CliRun.of("info", dir.toString()), dir.toString(), "directory");
    }

    @Test
    void matWithoutJsonBesideIt() throws IOException {
        Path mat = dir.resolve("alone.mat");
        Files.write(mat, new byte[] {1, 2, 3});
        assertOneLineError(CliRun.of("info", mat.toString()), mat.toString(), "alone.json");
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "5:2"}, "5:2"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "0:10000"}, "0:10000"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "cifar10", "--samples", "0:100"}, "0:100"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "x"}, "'x'"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "a:b"}, "a:b"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "-1:5"}, "-1:5"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "1:2:3"}, "1:2:3"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "0:99999999999"}, "0:99999999999"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "svhn"}, "svhn"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17b", "--dataset", "mnist"}, "unknown network 'mnist-wk17b'"),
                Arguments.of(new String[] {"evaluate", "--network", "acasxu-6-1", "--dataset", "mnist"}, "acasxu-6-1"),
                Arguments.of(new String[] {"evaluate", "--dataset", "mnist"}, "--network"),
                Arguments.of(new String[] {"evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--eps", "0.1"}, "--eps"),
                Arguments.of(new String[] {"info"}, "NETWORK"),
                Arguments.of(new String[] {"info", "nope"}, "unknown network 'nope'"),
                Arguments.of(new String[] {"frobnicate"}, "frobnicate"),
                Arguments.of(new String[] {"--bogus"}, "--bogus"),
                Arguments.of(new String[] {}, "missing command"),
                Arguments.of(new String[] {"evaluate", "--network", "acasxu-1-1", "--dataset", "mnist"}, "[5]"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("usageErrors")
    void usageErrorsAreOneLine(String[] args, String fragment) {
        assertOneLineError(CliRun.of(args), fragment);
    }

    @Test
    void debugAddsTheStackTrace() {
        String missing = dir.resolve("gone.onnx").toString();
        CliRun r = CliRun.of("--debug", "info", missing);
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.errLines().get(0).startsWith("certus: error: ") && r.errLines().get(0).contains(missing), r::toString);
        assertTrue(r.err().contains("\tat "), r::toString);

        // --debug is global: accepted after the subcommand too.
        CliRun after = CliRun.of("info", missing, "--debug");
        assertEquals(2, after.exitCode(), after::toString);
        assertTrue(after.err().contains("\tat "), after::toString);

        CliRun usage = CliRun.of("--debug", "evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "5:2");
        assertEquals(2, usage.exitCode(), usage::toString);
        assertTrue(usage.err().contains("\tat "), usage::toString);
    }

    /** A path that is a device, a pipe or a folder where a file is read: refused before reading (/dev/zero was read forever). */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nonRegularInputFilesAreRefused() throws Exception {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero));
        Path fifo = dir.resolve("pipe.vnnlib");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        Path onnx = dir.resolve("acas.onnx");
        try (InputStream in = BadInputTest.class.getResourceAsStream("/org/certus/benchmarks/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx")) {
            Files.write(onnx, in.readAllBytes());
        }
        Path prop = dir.resolve("p.vnnlib");
        try (InputStream in = BadInputTest.class.getResourceAsStream("/org/certus/benchmarks/acasxu/vnnlib/prop_1.vnnlib")) {
            Files.write(prop, in.readAllBytes());
        }
        Path csv = dir.resolve("inst.csv");
        Files.writeString(csv, "acas.onnx,p.vnnlib,60\n");
        String results = dir.resolve("res.csv").toString();
        for (Path bad : List.of(zero, fifo, dir)) {
            String b = bad.toString();
            assertOneLineError(CliRun.of("vnnlib", "--onnx", b, "--vnnlib", prop.toString()), b, "not a regular file");
            assertOneLineError(CliRun.of("vnnlib", "--onnx", onnx.toString(), "--vnnlib", b), b, "not a regular file");
            assertOneLineError(CliRun.of("vnncomp", "--instances", b, "--results", results), b, "not a regular file");
            assertOneLineError(CliRun.of("vnncomp", "--instances", csv.toString(), "--results", results, "--expected", b), b,
                    "not a regular file");
        }
        assertOneLineError(CliRun.of("info", zero.toString()), zero.toString());
        assertFalse(Files.exists(Path.of(results)), "nothing written for bad input");
    }

    /** Numbers as Java reads them but no user means them: a float suffix, hexadecimal, Infinity. Empty paths. */
    static Stream<Arguments> lenientValues() {
        return Stream.of(
                Arguments.of(new String[] {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1f"}, "0.1f"),
                Arguments.of(new String[] {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0x1p-4"}, "0x1p-4"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "x.onnx", "--vnnlib", "p.vnnlib", "--timeout", "0x1p5"}, "0x1p5"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "x.onnx", "--vnnlib", "p.vnnlib", "--timeout", "60d"}, "60d"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "x.onnx", "--vnnlib", "p.vnnlib", "--timeout", "Infinity"}, "Infinity"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "", "--vnnlib", "p.vnnlib"}, "--onnx"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "x.onnx", "--vnnlib", "p.vnnlib", "--out", ""}, "--out"),
                Arguments.of(new String[] {"export-mps", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1",
                        "--out", ""}, "--out"),
                Arguments.of(new String[] {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1",
                        "--budget", "1e10"}, "--budget"),
                Arguments.of(new String[] {"vnnlib", "--onnx", "x.onnx", "--vnnlib", "p.vnnlib", "--timeout", "1e10"}, "--timeout"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("lenientValues")
    void lenientNumbersAndEmptyPathsAreRefused(String[] args, String fragment) {
        assertOneLineError(CliRun.of(args), fragment);
    }
}
