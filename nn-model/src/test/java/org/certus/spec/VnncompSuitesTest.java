package org.certus.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VNN-COMP suites without a redistribution licence, read from the folder named by the system property
 * {@code certus.benchmarks} (laid out as {@code <suite>/vnnlib/*.vnnlib}, {@code <suite>/instances.csv},
 * {@code <suite>/counterexamples/*.counterexample}). Skipped when the property is not set.
 */
class VnncompSuitesTest {

    /** The organisers' tolerance for a counterexample's input lying in the box. */
    private static final double INPUT_TOLERANCE = 1e-4;
    /**
     * The witnesses' outputs were recomputed in float64 and satisfy the output condition with margin >= 0;
     * this only absorbs the last-digit rounding of the printed decimals.
     */
    private static final double OUTPUT_TOLERANCE = 1e-9;

    private static final Pattern DECLARED = Pattern.compile("\\(\\s*declare-const\\s+([XY])_\\d+\\s");
    private static final Pattern ASSIGNMENT = Pattern.compile("\\(\\s*([XY])_(\\d+)\\s+([^()\\s]+)\\s*\\)");

    private static Path suite(String name) {
        String dir = System.getProperty("certus.benchmarks");
        // Surefire passes the unresolved "${certus.benchmarks}" through when the property is not given.
        assumeTrue(dir != null && !dir.isBlank() && !dir.startsWith("${"), "set -Dcertus.benchmarks=DIR to run");
        Path root = Path.of(dir);
        assertTrue(Files.isDirectory(root), "certus.benchmarks is not a directory: " + root);
        Path suite = root.resolve(name);
        assumeTrue(Files.isDirectory(suite.resolve("vnnlib")), "no " + name + "/vnnlib under " + root);
        return suite;
    }

    private static String text(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Input and output counts as declared by the file itself (no network needed). */
    private static int[] declaredCounts(Path file) throws IOException {
        int[] counts = new int[2];
        Matcher m = DECLARED.matcher(text(file));
        while (m.find()) {
            counts[m.group(1).equals("X") ? 0 : 1]++;
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist_fc", "rl_benchmarks", "reach_prob_density"})
    void everyPropertyOfTheSuiteParses(String name) throws IOException {
        Path suite = suite(name);
        List<Path> files;
        try (Stream<Path> s = Files.list(suite.resolve("vnnlib"))) {
            files = s.filter(p -> p.getFileName().toString().matches(".*\\.vnnlib(\\.gz)?")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .vnnlib files in " + suite);
        for (Path file : files) {
            int[] counts = declaredCounts(file);
            VnnlibProperty p = VnnlibParser.parse(file, counts[0], counts[1]);
            assertEquals(counts[0], p.inputCount(), file.toString());
            assertEquals(counts[1], p.outputCount(), file.toString());
            assertEquals(p, VnnlibTestText.parse(VnnlibWriter.write(p), counts[0], counts[1]), "round trip of " + file);
            if (name.equals("mnist_fc")) {
                // an L∞ ball around an image, "unsafe if some other label scores at least as high"
                assertEquals(784, p.inputCount());
                assertEquals(1, p.cases().size());
                assertEquals(9, p.cases().get(0).condition().disjuncts().size());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"acasxu", "mnist_fc", "rl_benchmarks", "reach_prob_density"})
    void everyRecordedCounterexampleViolatesItsProperty(String name) throws IOException {
        Path suite = suite(name);
        Path instances = suite.resolve("instances.csv");
        assumeTrue(Files.isRegularFile(instances), "no instances.csv in " + suite);
        Map<String, VnnlibProperty> parsed = new HashMap<>();
        int checked = 0;
        for (String line : Files.readAllLines(instances)) {
            String[] cols = line.trim().split(",");
            if (cols.length < 2) {
                continue;
            }
            String onnxStem = stem(cols[0]);
            String vnnlibStem = stem(cols[1]);
            Path witness = suite.resolve("counterexamples").resolve(onnxStem + "_" + vnnlibStem + ".counterexample");
            if (!Files.isRegularFile(witness)) {
                continue; // an unsat (or unknown) instance
            }
            Path file = suite.resolve(cols[1]);
            VnnlibProperty p = parsed.get(cols[1]);
            if (p == null) {
                int[] counts = declaredCounts(file);
                p = VnnlibParser.parse(file, counts[0], counts[1]);
                parsed.put(cols[1], p);
            }
            double[][] xy = assignment(witness, p.inputCount(), p.outputCount());
            assertTrue(p.isCounterexample(xy[0], xy[1], INPUT_TOLERANCE, OUTPUT_TOLERANCE),
                    witness + " is not a counterexample of " + file);
            // and the same witness moved far out of every box is not (the check is not vacuous)
            double[] outside = xy[0].clone();
            outside[0] += 1e3;
            assertFalse(p.isCounterexample(outside, xy[1], INPUT_TOLERANCE, OUTPUT_TOLERANCE), witness.toString());
            checked++;
        }
        assertTrue(checked > 0, "no counterexamples found in " + suite);
    }

    private static String stem(String path) {
        String fileName = Path.of(path).getFileName().toString();
        return fileName.replaceFirst("\\.(onnx|vnnlib)(\\.gz)?$", "");
    }

    private static double[][] assignment(Path witness, int inputs, int outputs) throws IOException {
        double[] x = new double[inputs];
        double[] y = new double[outputs];
        List<String> seen = new ArrayList<>();
        Matcher m = ASSIGNMENT.matcher(text(witness).replaceAll(";[^\\n]*", ""));
        while (m.find()) {
            int i = Integer.parseInt(m.group(2));
            (m.group(1).equals("X") ? x : y)[i] = Double.parseDouble(m.group(3));
            seen.add(m.group(1));
        }
        assertEquals(inputs + outputs, seen.size(), "assignments in " + witness);
        return new double[][] {x, y};
    }
}
