package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.certus.bnb.Counterexample;
import org.certus.bnb.SearchStatistics;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library's re-check of a counterexample before {@link Verifier#verify} reports FALSIFIED, independent of the
 * search: a point outside the property's box, one that does not violate, or a missing point becomes UNKNOWN with a
 * warning, never FALSIFIED; a real counterexample passes.
 */
class VerifierRecheckTest {
    private static final SearchStatistics STATS = new SearchStatistics(1, 0, 0, -1, -1, 0, 0, 1, 0);

    private static VnnlibProperty prop2(Network net) throws IOException {
        try (InputStream in = VerifierRecheckTest.class.getResourceAsStream("/org/certus/benchmarks/acasxu/vnnlib/prop_2.vnnlib")) {
            return VnnlibParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8), "prop_2.vnnlib", net.inputSize(), net.outputSize());
        }
    }

    private static Verdict falsifiedAt(Network net, double[] x) {
        return Verdict.falsified(new Counterexample(x, net.evaluate(x), -1, -1), STATS);
    }

    @Test
    void aBadCounterexampleBecomesUnknownNeverFalsified() throws IOException {
        Network net = NetworkLoader.load("acasxu-1-2");
        VnnlibProperty p = prop2(net);
        List<String> warnings = new ArrayList<>();
        Verifier v = Verifier.create(net).withListener(new VerificationListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        });
        // Outside the box: X_0 of prop_2 is at least 0.6.
        Verdict outside = v.recheck(p, falsifiedAt(net, new double[] {0.0, 0.0, 0.0, 0.5, -0.5}));
        assertEquals(VerdictStatus.UNKNOWN, outside.status());
        assertTrue(warnings.get(0).contains("failed the exact re-check"), warnings::toString);
        // Inside the box but not violating.
        double[] centre = {0.6, 0.0, 0.0, 0.475, -0.475};
        if (!p.isCounterexample(centre, net.evaluate(centre), 0, 0)) {
            assertEquals(VerdictStatus.UNKNOWN, v.recheck(p, falsifiedAt(net, centre)).status());
        }
        assertEquals(VerdictStatus.UNKNOWN, v.recheck(p, Verdict.falsified(null, STATS)).status());
        assertTrue(warnings.get(warnings.size() - 1).contains("without a counterexample"), warnings::toString);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRealCounterexamplePasses() throws IOException {
        // prop_2 is violated on network 1-2 (VNN-COMP's expected answer: sat); the library finds and keeps the point.
        Network net = NetworkLoader.load("acasxu-1-2");
        VnnlibProperty p = prop2(net);
        Verdict found = Verifier.create(net).verify(p, java.time.Duration.ofSeconds(60));
        assertEquals(VerdictStatus.FALSIFIED, found.status(), found::toString);
        double[] x = found.counterexample().orElseThrow().input();
        assertTrue(p.isCounterexample(x, net.evaluate(x), 0.0, 0.0));
        assertEquals(VerdictStatus.FALSIFIED, Verifier.create(net).recheck(p, found).status());
    }
}
