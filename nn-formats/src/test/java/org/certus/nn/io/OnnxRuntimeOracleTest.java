package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.certus.nn.Network;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime as an independent oracle: the imported network's exact forward pass must match ORT's
 * float32 result on random inputs, for the bundled networks, ACAS Xu, and (when the system property
 * {@code certus.benchmarks} names a VNN-COMP folder) every network of the listed suites.
 */
class OnnxRuntimeOracleTest {
    /** ORT computes in float32: allow ~1e-4 of |y| + 1. */
    static final double TOLERANCE = 1e-4;
    private static final int INPUTS_PER_NETWORK = 20;
    private static final long SEED = 0x5eed0ddL;

    static Stream<Path> bundled() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(OnnxTestSupport.resource(OnnxTestSupport.WK17A));
        files.add(OnnxTestSupport.resource(OnnxTestSupport.RSL18A));
        try (Stream<Path> s = Files.list(OnnxTestSupport.resource(OnnxTestSupport.ACASXU_DIR))) {
            s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(files::add);
        }
        return files.stream();
    }

    @Test
    void all45AcasXuNetworksAreBundled() throws IOException {
        assertTrue(bundled().filter(p -> p.getFileName().toString().startsWith("ACASXU")).count() == 45);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void bundledNetworkAgreesWithOnnxRuntime(Path file) throws Exception {
        compareWithOrt(file, SEED ^ file.getFileName().toString().hashCode());
    }

    @Test
    void externalVnnCompSuitesAgreeWithOnnxRuntime() throws Exception {
        String dir = System.getProperty("certus.benchmarks");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(),
                "system property certus.benchmarks not set: skipping the external VNN-COMP networks (e.g. -Dcertus.benchmarks=/path/to/vnncomp)");
        Path root = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(root), "certus.benchmarks=" + dir + " is not a directory: skipping");
        List<Path> files = new ArrayList<>();
        for (String suite : new String[] {"mnist_fc", "rl_benchmarks", "reach_prob_density", "acasxu"}) {
            Path d = root.resolve(suite).resolve("onnx");
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.toString().endsWith(".onnx") || p.toString().endsWith(".onnx.gz")).sorted().forEach(files::add);
                }
            }
        }
        Assumptions.assumeTrue(!files.isEmpty(), "no .onnx files under " + root + "/{mnist_fc,rl_benchmarks,reach_prob_density,acasxu}/onnx");
        for (Path f : files) {
            compareWithOrt(f, SEED ^ f.getFileName().toString().hashCode());
        }
        System.out.println("external VNN-COMP networks checked against ONNX Runtime: " + files.size());
    }

    static void compareWithOrt(Path file, long seed) throws Exception {
        Network net = OnnxImporter.read(file);
        byte[] model = Files.readAllBytes(file);
        if (model.length > 1 && (model[0] & 0xff) == 0x1f) {
            model = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(model)).readAllBytes();
        }
        Random rnd = new Random(seed);
        double worst = 0;
        try (OnnxTestSupport.Ort ort = new OnnxTestSupport.Ort(model)) {
            for (int k = 0; k < INPUTS_PER_NETWORK; k++) {
                float[] x = new float[net.inputSize()];
                boolean image = net.inputShape().isImage();
                for (int i = 0; i < x.length; i++) {
                    x[i] = image ? rnd.nextFloat() : (float) rnd.nextGaussian();
                }
                double[] mine = net.evaluate(OnnxTestSupport.toDouble(x));
                float[] theirs = ort.run(x);
                double err = OnnxTestSupport.maxScaledError(mine, theirs);
                worst = Math.max(worst, err);
                assertTrue(err <= TOLERANCE, file.getFileName() + " (seed " + seed + ", input " + k + "): error " + err
                        + "\n certus " + java.util.Arrays.toString(mine) + "\n ort    " + java.util.Arrays.toString(theirs));
            }
        }
        System.out.printf("%s: max scaled |certus - ORT| = %.3g%n", file.getFileName(), worst);
    }
}
