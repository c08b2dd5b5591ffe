package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.Shape;
import org.certus.nn.io.NetworkLoader;
import org.certus.nn.io.OnnxExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code --input-range} and the default input domain of questions about dataset samples: a flat-input
 * ONNX MNIST network (which knows no pixel range) never gets an example outside [0, 1], and an unbounded
 * domain is announced.
 */
class InputRangeTest {
    @TempDir
    Path tmp;

    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    /** Random ranges written in each syntax parse back to the same bounds. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everySyntaxGivesTheRangesWritten(long seed) throws IOException {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(6);
        double[] lo = new double[n];
        double[] hi = new double[n];
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lo[i] = rnd.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : rnd.nextGaussian();
            hi[i] = rnd.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : (Double.isInfinite(lo[i]) ? 0 : lo[i]) + rnd.nextDouble();
            parts.add((Double.isInfinite(lo[i]) ? "-inf" : Double.toString(lo[i])) + ":" + (Double.isInfinite(hi[i]) ? "inf" : Double.toString(hi[i])));
        }
        InputDomain list = InputRange.parse(String.join(",", parts)).domain(n);
        assertArrayEquals(lo, list.lower(), 0.0, "seed=" + seed);
        assertArrayEquals(hi, list.upper(), 0.0, "seed=" + seed);
        Path file = tmp.resolve("ranges" + seed + ".txt");
        Files.writeString(file, "# one range per input\n" + String.join("\n", parts) + "\n\n");
        InputDomain fromFile = InputRange.parse("@" + file).domain(n);
        assertArrayEquals(lo, fromFile.lower(), 0.0, "seed=" + seed);
        assertArrayEquals(hi, fromFile.upper(), 0.0, "seed=" + seed);
        InputDomain one = InputRange.parse(parts.get(0)).domain(n);
        for (int i = 0; i < n; i++) {
            assertEquals(lo[0], one.lower(i), 0.0);
            assertEquals(hi[0], one.upper(i), 0.0);
        }
        if (n > 1) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputRange.parse(String.join(",", parts)).domain(n + 1));
            assertTrue(e.getMessage().contains("gives " + n + " ranges"), e.getMessage());
        }
    }

    @Test
    void badRangesAreOneLineErrors() {
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "1:0"), "--input-range", "empty");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "0..1"), "expected LO:HI");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "0:one"), "'one' is not a number");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "NaN:1"), "not a number");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "0:1,0:1"), "gives 2 ranges", "784 inputs");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "@" + tmp.resolve("none.txt")), "no such file");
        BadInputTest.assertOneLineError(CliRun.of("info", "mnist-wk17a", "--input-range", "@" + tmp), "not a regular file");
    }

    @Test
    void infoShowsTheRangeGiven() throws IOException {
        CliRun r = CliRun.of("info", "acasxu-1-1", "--input-range", "-1:1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("input range:  [-1, 1]"), r::toString);
        Path file = Files.writeString(tmp.resolve("acas.ranges"), "# ACAS Xu, one range per input\n-1:1\n-2:2\n-3:3\n-4:4\n-5:5\n");
        CliRun f = CliRun.of("info", "acasxu-1-1", "--input-range", "@" + file);
        assertEquals(0, f.exitCode(), f::toString);
        assertTrue(f.out().contains("input range:  per-element, within [-5, 5]"), f::toString);
    }

    /** mnist-rsl18a without its Flatten: an ONNX file with a flat [1, 784] input, whose importer gives no pixel range. */
    Path flatMnistOnnx() {
        Network net = NetworkLoader.load("mnist-rsl18a");
        Network flat = new Network("rsl18a-flat", Shape.flat(784), InputDomain.uniform(784, 0, 1), net.layers().subList(1, net.layerCount()));
        Path file = tmp.resolve("rsl18a-flat.onnx");
        OnnxExporter.write(flat, file);
        return file;
    }

    /** Sample 1 is vulnerable at eps 0.1 within [0, 1], and has an example with pixels at -0.1 when nothing clips the ball. */
    @Test
    void aFlatOnnxMnistNetworkNeverGetsAnExampleOutsideThePixelRange() throws IOException {
        Path net = flatMnistOnnx();
        CliRun info = CliRun.of("info", net.toString());
        assertTrue(info.out().contains("input range:  [-Infinity, Infinity]"), info::toString);

        Path clipped = tmp.resolve("clipped");
        CliRun r = CliRun.of("robustness", "--network", net.toString(), "--samples", "1:1", "--eps", "0.1", "--time-limit", "30",
                "--quiet", "--out", clipped.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.err().contains("warning"), r::toString);
        double[] range = exampleRange(clipped, 1);
        assertTrue(range[0] >= 0 && range[1] <= 1, () -> "example pixels in [" + range[0] + ", " + range[1] + "]\n" + r);

        Path open = tmp.resolve("open");
        CliRun u = CliRun.of("robustness", "--network", net.toString(), "--samples", "1:1", "--eps", "0.1", "--time-limit", "30",
                "--quiet", "--input-range=-inf:inf", "--out", open.toString());
        assertEquals(0, u.exitCode(), u::toString);
        assertTrue(u.err().contains("certus: warning: 784 of the 784 inputs of network 'rsl18a-flat' are unbounded"), u::toString);
        double[] wide = exampleRange(open, 1);
        assertTrue(wide[0] < 0 || wide[1] > 1, "without a range the ball is not clipped (so the default above is what clips it)");
    }

    /** The smallest and largest pixel over the example files in {@code out}, of which there must be {@code count}. */
    static double[] exampleRange(Path out, int count) throws IOException {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        try (var files = Files.list(out.resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode input = new ObjectMapper().readTree(f.toFile()).get("input");
                for (JsonNode v : input) {
                    lo = Math.min(lo, v.asDouble());
                    hi = Math.max(hi, v.asDouble());
                }
                n++;
            }
        }
        assertEquals(count, n, "example files in " + out);
        return new double[] {lo, hi};
    }
}
