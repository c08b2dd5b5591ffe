package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void wk17aHasThePapersReluCount() {
        CliRun r = CliRun.of("info", "mnist-wk17a");
        assertEquals(0, r.exitCode(), r::toString);
        // 4804 = 16*14*14 + 32*7*7 + 100 (networks/SOURCES.md; the paper's LP_d-CNN_A).
        assertTrue(r.outLines().contains("ReLUs:        4804"), r::toString);
        assertTrue(r.outLines().contains("input shape:  [1x28x28]"), r::toString);
        assertTrue(r.outLines().contains("input range:  [0, 1]"), r::toString);
        assertTrue(r.outLines().contains("output size:  10"), r::toString);
        assertTrue(r.out().contains("Conv2d(1->16"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void rsl18aIsAOneHiddenLayerMlp() {
        CliRun r = CliRun.of("info", "mnist-rsl18a");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.outLines().contains("ReLUs:        500"), r::toString);
        // 784*500 + 500 + 500*10 + 10
        assertTrue(r.outLines().contains("parameters:   397510"), r::toString);
    }

    @Test
    void acasXuNetworkHasFiveInputsAndFiveOutputs() {
        CliRun r = CliRun.of("info", "acasxu-1-1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.outLines().contains("input shape:  [5]"), r::toString);
        assertTrue(r.outLines().contains("output size:  5"), r::toString);
        // Six hidden layers of 50 ReLUs.
        assertTrue(r.outLines().contains("ReLUs:        300"), r::toString);
    }

    @Test
    void versionAndHelp() {
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.exitCode(), v::toString);
        assertTrue(v.out().startsWith("certus "), v::toString);
        assertTrue(!v.out().contains("${"), "version was filtered: " + v.out());

        CliRun h = CliRun.of("--help");
        assertEquals(0, h.exitCode(), h::toString);
        assertTrue(h.out().contains("info") && h.out().contains("evaluate") && h.out().contains("--debug"), h::toString);
    }
}
