package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.certus.data.Datasets;
import org.certus.nn.Logits;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code certus robustness} and {@code certus vnnlib} on the networks PyTorch exported in
 * {@code examples/pytorch} (MaxPool with batch norm, padded AvgPool, a residual block, a Concat): every
 * sample is decided, each adversarial example is checked here by the network's own forward pass, and
 * the VNN-LIB answer for sample 0 agrees with the robustness verdict.
 */
class PyTorchNetworksCliTest {
    static final Path DIR = Path.of("..", "examples", "pytorch");
    static final double EPS = 0.01;

    @TempDir
    Path tmp;

    static Stream<String> networks() {
        return Stream.of("cnn_batchnorm_maxpool", "cnn_avgpool", "residual_block", "concat_branches");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    @Timeout(600)
    void robustnessAndVnnlibDecideAndAgree(String name) throws IOException {
        Path net = DIR.resolve(name + ".onnx");
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("robustness", "--network", net.toString(), "--samples", "0:3", "--eps", String.valueOf(EPS),
                "--time-limit", "120", "-q", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> rows = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(5, rows.size(), r.toString());
        Network network = NetworkLoader.load(net.toString());
        var images = Datasets.load("mnist");
        String status0 = null;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            int sample = Integer.parseInt(f[0]);
            String status = f[3];
            assertTrue(List.of("robust", "vulnerable", "misclassified").contains(status), name + " sample " + sample + ": " + row);
            if (sample == 0) {
                status0 = status;
            }
            if (status.equals("vulnerable")) {
                JsonNode j = new ObjectMapper().readTree(out.resolve("examples/sample-" + sample + ".json").toFile());
                double[] x = new double[784];
                for (int i = 0; i < x.length; i++) {
                    x[i] = j.get("input").get(i).asDouble();
                }
                double[] clean = images.image(sample);
                for (int i = 0; i < x.length; i++) {
                    assertTrue(x[i] >= 0 && x[i] <= 1 && Math.abs(x[i] - clean[i]) <= EPS + 1e-12, name + " sample " + sample + " pixel " + i);
                }
                assertNotEquals(images.label(sample), Logits.argmax(network.evaluate(x)), name + " sample " + sample + ": not adversarial");
            }
        }
        // The same question for sample 0 as a VNN-LIB instance.
        Path prop = tmp.resolve("sample0.vnnlib");
        Files.writeString(prop, robustnessVnnlib(images.image(0), images.label(0), EPS));
        CliRun v = CliRun.of("vnnlib", "--onnx", net.toString(), "--vnnlib", prop.toString(), "--timeout", "120");
        String answer = v.lastOutLine().trim();
        if (status0.equals("robust")) {
            assertEquals("unsat", answer, v.toString());
        } else if (status0.equals("vulnerable")) {
            assertEquals("sat", answer, v.toString());
        }
    }

    /** "Some image within eps of x (and in [0, 1]) is classified as another label than {@code label}." */
    static String robustnessVnnlib(double[] x, int label, double eps) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            sb.append("(declare-const X_").append(i).append(" Real)\n");
        }
        for (int j = 0; j < 10; j++) {
            sb.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        for (int i = 0; i < x.length; i++) {
            sb.append(String.format(Locale.ROOT, "(assert (>= X_%d %s))%n(assert (<= X_%d %s))%n", i, Math.max(0, x[i] - eps), i,
                    Math.min(1, x[i] + eps)));
        }
        sb.append("(assert (or\n");
        for (int j = 0; j < 10; j++) {
            if (j != label) {
                sb.append("  (and (>= Y_").append(j).append(" Y_").append(label).append("))\n");
            }
        }
        return sb.append("))\n").toString();
    }
}
