package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.certus.nn.Dense;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.nn.io.nnet.NnetExporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/**
 * The same network (bundled rsl18a) written as NNet and as MIPVerify .mat + .json must give the
 * CLI exactly the accuracy of the bundled ONNX: this exercises NetworkLoader's dispatch by
 * extension end to end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileFormatsTest {
    private static final String SAMPLES = "0:299";

    @TempDir
    static Path dir;

    static String expected;

    @BeforeAll
    static void bundledAccuracy() {
        CliRun r = CliRun.of("evaluate", "--network", "mnist-rsl18a", "--dataset", "mnist", "--samples", SAMPLES);
        assertEquals(0, r.exitCode(), r::toString);
        expected = r.lastOutLine();
    }

    @Test
    void nnet() {
        Path f = dir.resolve("rsl18a.nnet");
        NnetExporter.write(NetworkLoader.load("mnist-rsl18a"), f);
        CliRun r = CliRun.of("evaluate", "--network", f.toString(), "--dataset", "mnist", "--samples", SAMPLES);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(expected, r.lastOutLine(), r::toString);
    }

    @Test
    void mipVerifyMatWithJsonBeside() throws IOException {
        Network net = NetworkLoader.load("mnist-rsl18a");
        Dense fc1 = null;
        Dense fc2 = null;
        for (Operation l : net.layers()) {
            if (l instanceof Dense d) {
                if (fc1 == null) {
                    fc1 = d;
                } else {
                    fc2 = d;
                }
            }
        }
        MatFile mat = Mat5.newMatFile();
        mat.addArray("fc1/weight", inByOut(fc1));
        mat.addArray("fc1/bias", row(fc1.bias()));
        mat.addArray("fc2/weight", inByOut(fc2));
        mat.addArray("fc2/bias", row(fc2.bias()));
        Path m = dir.resolve("rsl18a.mat");
        Mat5.writeToFile(mat, m.toFile());
        // One channel, so MIPVerify's NHWC flatten order equals the CHW order of the dataset.
        Files.writeString(dir.resolve("rsl18a.json"), "{\"input\": [28, 28, 1], \"layers\": [{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"name\": \"fc1\"}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"name\": \"fc2\"}]}");

        CliRun info = CliRun.of("info", m.toString());
        assertEquals(0, info.exitCode(), info::toString);
        assertTrue(info.outLines().contains("ReLUs:        500"), info::toString);

        CliRun r = CliRun.of("evaluate", "--network", m.toString(), "--dataset", "mnist", "--samples", SAMPLES);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(expected, r.lastOutLine(), r::toString);
    }

    /** MIPVerify stores linear weights as (in, out). */
    private static Matrix inByOut(Dense d) {
        Matrix m = Mat5.newMatrix(d.inputSize(), d.outputSize());
        for (int i = 0; i < d.inputSize(); i++) {
            for (int o = 0; o < d.outputSize(); o++) {
                m.setDouble(i, o, d.weight(o, i));
            }
        }
        return m;
    }

    private static Matrix row(double[] v) {
        Matrix m = Mat5.newMatrix(1, v.length);
        for (int i = 0; i < v.length; i++) {
            m.setDouble(0, i, v[i]);
        }
        return m;
    }
}
