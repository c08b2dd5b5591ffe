package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known clean accuracies of the bundled networks on the 10,000 MNIST test images, as computed
 * with PyTorch (networks/SOURCES.md and the reference predictions in nn-formats' test resources).
 */
class EvaluateCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "mnist-wk17a,  accuracy: 0.9811 (9811/10000)",
            "mnist-rsl18a, accuracy: 0.9582 (9582/10000)"})
    void fullMnistAccuracyMatchesThePaperNetworks(String network, String expected) {
        CliRun r = CliRun.of("evaluate", "--network", network, "--dataset", "mnist");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(expected, r.lastOutLine(), r::toString);
        assertEquals("", r.err(), "no progress bar when stderr is not a terminal");
    }

    @Test
    void sampleRangeIsInclusiveAndZeroBased() {
        CliRun r = CliRun.of("evaluate", "--network", "mnist-rsl18a", "--dataset", "mnist", "--samples", "0:99");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.lastOutLine().matches("accuracy: \\d\\.\\d{4} \\(\\d+/100\\)"), r::toString);
        assertTrue(r.out().contains("samples 0:99 (100)"), r::toString);
    }

    @Test
    void singleSampleRange() {
        // MNIST test image 0 is a 7 and both networks classify it correctly (reference predictions).
        CliRun r = CliRun.of("evaluate", "--network", "mnist-wk17a", "--dataset", "mnist", "--samples", "0:0", "--quiet");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("accuracy: 1.0000 (1/1)", r.lastOutLine(), r::toString);
    }

    @Test
    void lastSampleOfTheDatasetIsInRange() {
        CliRun r = CliRun.of("evaluate", "--network", "mnist-rsl18a", "--dataset", "mnist", "--samples", "9990:9999");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.lastOutLine().endsWith("/10)"), r::toString);
    }

    @Test
    void mnistNetworkOnCifarIsAShapeError() {
        CliRun r = CliRun.of("evaluate", "--network", "mnist-wk17a", "--dataset", "cifar10");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("[1x28x28]") && r.err().contains("[3x32x32]"), r::toString);
    }

    @Test
    void flatNetworkAcceptsMnistBySize() {
        // rsl18a takes a flat [784]; MNIST images are 1x28x28 = 784 in the same CHW order.
        CliRun r = CliRun.of("evaluate", "--network", "mnist-rsl18a", "--dataset", "mnist", "--samples", "0:9");
        assertEquals(0, r.exitCode(), r::toString);
    }
}
