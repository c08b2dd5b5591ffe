package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.certus.api.Load;
import org.certus.api.Verifier;
import org.certus.bnb.Verdict;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedding tool gets from {@link Verifier#verify(VnnlibProperty, Duration)} is what {@code certus vnnlib}
 * answers: on every mnist_fc 256x2 instance of VNN-COMP (read from {@code -Dcertus.benchmarks=DIR}; skipped without
 * it), with the instance's own timeout, both decide the same instances the same way, and no answer contradicts the
 * known one. The table of both is printed. About 15 s on 2 cores (every instance is decided in seconds).
 */
@Timeout(value = 3600, unit = TimeUnit.SECONDS)
class VerifierMatchesVnnlibTest {
    @TempDir
    Path tmp;

    @Test
    void sameAnswersOnMnistFc256x2() throws IOException {
        String dir = System.getProperty("certus.benchmarks");
        assumeTrue(dir != null && !dir.isBlank() && !dir.startsWith("${"),
                "skipped: set -Dcertus.benchmarks=DIR (a VNN-COMP benchmarks folder) to compare on mnist_fc");
        Path root = Path.of(dir).resolve("mnist_fc");
        assumeTrue(Files.isRegularFile(root.resolve("instances.csv")), "skipped: no " + root.resolve("instances.csv"));
        VnncompExpected expected = VnncompExpected.read(Path.of(dir).resolve("expected.csv"));

        List<String> table = new ArrayList<>(List.of("| instance | certus vnnlib | Verifier.verify | expected |", "|---|---|---|---|"));
        List<String> differ = new ArrayList<>();
        int decided = 0;
        for (VnncompInstances.Instance i : VnncompInstances.read(root.resolve("instances.csv"))) {
            if (!i.onnx().contains("256x2")) {
                continue;
            }
            Path onnx = root.resolve(i.onnx());
            Path vnnlib = root.resolve(i.vnnlib());
            String timeout = String.format(Locale.ROOT, "%s", i.timeoutSeconds());
            Path out = tmp.resolve("result.txt");
            CliRun cli = CliRun.of("vnnlib", "--onnx", onnx.toString(), "--vnnlib", vnnlib.toString(), "--timeout", timeout, "--out",
                    out.toString());
            assertEquals(0, cli.exitCode(), cli::toString);
            String byCli = cli.lastOutLine();

            Network net = Load.instanceNetwork(onnx.toString());
            VnnlibProperty property = Load.property(vnnlib, net);
            long t0 = System.nanoTime();
            Verdict v = Verifier.create(net).verify(property, Duration.ofMillis(Math.round(i.timeoutSeconds() * 1000)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String byLibrary = word(v);
            if (v.counterexample().isPresent()) {
                double[] x = v.counterexample().get().input();
                assertTrue(property.isCounterexample(x, net.evaluate(x), 0.0, 0.0), i + ": the library's counterexample holds");
            }

            String want = expected.answer(i.onnx(), i.vnnlib()).orElse("?");
            assertFalse(expected.isWrong(i.onnx(), i.vnnlib(), byCli), i + ": certus vnnlib answered " + byCli + ", expected " + want);
            assertFalse(expected.isWrong(i.onnx(), i.vnnlib(), byLibrary), i + ": Verifier answered " + byLibrary + ", expected " + want);
            if (!byCli.equals(byLibrary)) {
                differ.add(i.vnnlib() + ": " + byCli + " vs " + byLibrary);
            }
            decided += byLibrary.equals("sat") || byLibrary.equals("unsat") ? 1 : 0;
            table.add(String.format(Locale.ROOT, "| %s | %s | %s (%.1f s, %d nodes) | %s |", Path.of(i.vnnlib()).getFileName(), byCli,
                    byLibrary, seconds, v.statistics().nodes(), want));
        }
        assumeTrue(table.size() > 2, "skipped: no 256x2 instance in " + root);
        System.out.println(String.join("\n", table));
        System.out.println(decided + " of " + (table.size() - 2) + " decided by Verifier.verify");
        assertEquals(List.of(), differ, "instances where the library and certus vnnlib answer differently");
    }

    private static String word(Verdict v) {
        return switch (v.status()) {
            case VERIFIED -> VnnlibResult.UNSAT;
            case FALSIFIED -> VnnlibResult.SAT;
            case TIMEOUT -> VnnlibResult.TIMEOUT;
            case UNKNOWN -> VnnlibResult.UNKNOWN;
        };
    }
}
