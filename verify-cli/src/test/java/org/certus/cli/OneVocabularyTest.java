package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.certus.api.Load;
import org.certus.bounds.NetworkBounds;
import org.certus.data.Datasets;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.nn.io.nnet.NnetExporter;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One vocabulary across commands and numbers out: vnnlib takes a NETWORK in every form and reports the
 * proven bound; vnncomp writes the counterexample of each sat row; export-mps takes the robustness
 * command's objective words and exports VNN-LIB instances; bounds --json writes every neuron's bounds.
 */
class OneVocabularyTest {
    static final Path suite = AcasXuSuite.dir();

    @TempDir
    Path tmp;

    static String prop(int p) {
        return suite.resolve("vnnlib/prop_" + p + ".vnnlib").toString();
    }

    @Test
    void vnnlibTakesBundledNamesAndNnetFilesAndAnswersAsForTheOnnxFile() {
        // acasxu-1-2 is the same ONNX file as the suite's 1_2; the NNet export is the same function (no normalisation).
        Path nnet = tmp.resolve("acasxu-1-2.nnet");
        NnetExporter.write(NetworkLoader.load("acasxu-1-2"), nnet);
        String onnx = suite.resolve("onnx/ACASXU_run2a_1_2_batch_2000.onnx").toString();
        for (int p : new int[] {1, 2}) {
            String expected = p == 1 ? "unsat" : "sat";
            for (String network : List.of(onnx, "acasxu-1-2", nnet.toString())) {
                CliRun r = CliRun.of("vnnlib", "--network", network, "--vnnlib", prop(p), "--time-limit", "60");
                assertEquals(0, r.exitCode(), r::toString);
                assertEquals(expected, r.lastOutLine(), () -> network + " prop_" + p + "\n" + r);
                boolean bound = r.out().contains("proven bound: ");
                assertEquals(p == 1, bound, () -> "a proven bound for unsat, none for sat\n" + r);
            }
        }
        CliRun alias = CliRun.of("vnnlib", "--onnx", "acasxu-1-1", "--vnnlib", prop(1), "--timeout", "60");
        assertEquals("unsat", alias.lastOutLine(), alias::toString);
    }

    @Test
    void aTimeoutReportsTheBoundItProved() {
        // 3_3 prop_2 takes 15-25 s on two cores.
        CliRun r = CliRun.of("vnnlib", "--network", "acasxu-3-3", "--vnnlib", prop(2), "--time-limit", "1");
        assertEquals("timeout", r.lastOutLine(), r::toString);
        String line = r.outLines().stream().filter(l -> l.startsWith("proven bound: ")).findFirst().orElseThrow(() -> new AssertionError(r));
        double bound = Double.parseDouble(line.substring("proven bound: ".length(), line.indexOf(' ', "proven bound: ".length())));
        assertTrue(bound <= 0 && bound > -1e3, line);
    }

    @Test
    void vnncompWritesEverySatRowsCounterexample() throws IOException {
        Path csv = tmp.resolve("instances.csv");
        Files.writeString(csv, "onnx/ACASXU_run2a_1_2_batch_2000.onnx,vnnlib/prop_2.vnnlib,60\n"
                + "onnx/ACASXU_run2a_1_1_batch_2000.onnx,vnnlib/prop_1.vnnlib,60\n");
        Path results = tmp.resolve("out/results.csv");
        CliRun r = CliRun.of("vnncomp", "--instances", csv.toString(), "--root", suite.toString(), "--results", results.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r::toString);
        Path dir = tmp.resolve("out/results.d");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("ACASXU_run2a_1_2_batch_2000_prop_2.counterexample"),
                    files.map(p -> p.getFileName().toString()).toList(), "one file, for the sat row only");
        }
        String text = Files.readString(dir.resolve("ACASXU_run2a_1_2_batch_2000_prop_2.counterexample"));
        Network net = NetworkLoader.load("acasxu-1-2");
        VnnlibProperty p = Load.property(Path.of(prop(2)), net);
        double[] x = new double[5];
        List<String> pairs = new ArrayList<>();
        for (String line : text.strip().split("\n")) {
            String[] t = line.replace("(", " ").replace(")", " ").strip().split("\\s+");
            pairs.add(t[0]);
            if (t[0].startsWith("X_")) {
                x[Integer.parseInt(t[0].substring(2))] = Double.parseDouble(t[1]);
            }
        }
        assertEquals(List.of("X_0", "X_1", "X_2", "X_3", "X_4", "Y_0", "Y_1", "Y_2", "Y_3", "Y_4"), pairs);
        assertTrue(p.isCounterexample(x, net.evaluate(x), 0, 0), text);
    }

    @Test
    void boundsJsonHoldsEveryNeuronsBoundsAsComputed() throws IOException {
        Path json = tmp.resolve("b.json");
        CliRun r = CliRun.of("bounds", "--network", "mnist-rsl18a", "--sample", "3", "--eps", "0.05", "--json", json.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        double[] image = Datasets.load("mnist").image(3);
        InputBox box = RobustnessProperty.linfBall(image, 0.05, new double[784], ones(784));
        NetworkBounds b = new SymbolicPropagator().propagate(ReluChain.of(NetworkLoader.load("mnist-rsl18a")), box.lower(), box.upper());
        assertEquals(b.layerCount(), j.get("layers").size());
        int unstable = 0;
        for (int i = 0; i < b.layerCount(); i++) {
            JsonNode layer = j.get("layers").get(i);
            assertEquals(i < b.reluLayerCount() ? "relu" : "output", layer.get("kind").asText());
            for (int n = 0; n < b.lower(i).length; n++) {
                assertEquals(b.lower(i)[n], layer.get("lower").get(n).asDouble(), 0.0, "layer " + i + " neuron " + n);
                assertEquals(b.upper(i)[n], layer.get("upper").get(n).asDouble(), 0.0, "layer " + i + " neuron " + n);
                unstable += i < b.reluLayerCount() && b.lower(i)[n] < 0 && b.upper(i)[n] > 0 ? 1 : 0;
            }
        }
        assertTrue(r.lastOutLine().startsWith("unstable: " + unstable + " of "), r::toString);
        assertEquals(784, j.get("input").get("lower").size());
        for (int i = 0; i < 784; i++) {
            assertEquals(box.lower(i), j.get("input").get("lower").get(i).asDouble(), 0.0);
            assertEquals(box.upper(i), j.get("input").get("upper").get(i).asDouble(), 0.0);
        }
    }

    static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        return v;
    }

    @Test
    void exportMpsSpeaksTheRobustnessObjectiveWordsAndExportsVnnlibInstances() throws IOException {
        Path a = tmp.resolve("a.mps");
        Path b = tmp.resolve("b.mps");
        for (Object[] c : new Object[][] {{"feasible", a}, {"feasibility", b}}) {
            CliRun r = CliRun.of("export-mps", "--network", "mnist-wk17a", "--sample", "0", "--eps", "0.1", "--objective", (String) c[0],
                    "--out", c[1].toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.outLines().get(0).endsWith("objective feasible"), r::toString);
        }
        assertEquals(Files.readString(a), Files.readString(b));

        Path p1 = tmp.resolve("p1.mps");
        CliRun r = CliRun.of("export-mps", "--network", "acasxu-1-1", "--vnnlib", prop(1), "--out", p1.toString());
        assertEquals(0, r.exitCode(), r::toString);
        Network net = NetworkLoader.load("acasxu-1-1");
        VnnlibProperty p = Load.property(Path.of(prop(1)), net);
        ReluChain chain = ReluChain.of(net);
        NetworkBounds nb = new SymbolicPropagator().propagate(chain, p.cases().get(0).box().lower(), p.cases().get(0).box().upper());
        long unstable = nb.unstableCount();
        assertTrue(r.out().contains("(" + unstable + " binary)"), () -> unstable + " unstable ReLUs\n" + r);
        assertTrue(Files.readString(p1).contains("ENDATA"));

        BadInputTest.assertOneLineError(CliRun.of("export-mps", "--network", "acasxu-1-1", "--vnnlib", prop(6), "--out",
                tmp.resolve("p6.mps").toString()), "2 input boxes", "--case");
        CliRun six = CliRun.of("export-mps", "--network", "acasxu-1-1", "--vnnlib", prop(6), "--case", "1", "--out",
                tmp.resolve("p6.mps").toString());
        assertEquals(0, six.exitCode(), six::toString);
        BadInputTest.assertOneLineError(CliRun.of("export-mps", "--network", "acasxu-1-1", "--vnnlib", prop(1), "--objective", "closest",
                "--out", tmp.resolve("c.mps").toString()), "closest");
        BadInputTest.assertOneLineError(CliRun.of("export-mps", "--network", "mnist-wk17a", "--sample", "0", "--out",
                tmp.resolve("e.mps").toString()), "missing --eps");
    }
}
