package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input boxes so wide that the forward pass overflows (found by the fuzz test: ACAS Xu prop_3 with
 * {@code X_0 >= -1e308} ended in a NullPointerException in the attack's gradient, whose outputs were all
 * infinite or NaN). Any verdict may come back, but a counterexample must hold and nothing may throw.
 */
class ExtremeInputBoxTest {
    @ParameterizedTest(name = "X_0 >= -{0}")
    @ValueSource(strings = {"1e308", "1e300", "1e30"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOverflowingBoxGivesAVerdictNotAnException(String magnitude) throws Exception {
        Network net = NetworkLoader.load("acasxu-2-1");
        String text;
        try (InputStream in = ExtremeInputBoxTest.class.getResourceAsStream("/org/certus/benchmarks/acasxu/vnnlib/prop_3.vnnlib")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String wide = text.replace("(assert (>= X_0 -0.303531156))", "(assert (>= X_0 -" + magnitude + "))");
        assertTrue(!wide.equals(text), "the bound to widen is in prop_3");
        VnnlibProperty p = VnnlibParser.parse(new StringReader(wide), "prop_3_wide.vnnlib", 5, 5);
        Verdict v = Verifier.create(net).verify(p, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(5)).withThreads(1));
        if (v.status() == VerdictStatus.FALSIFIED) {
            double[] x = v.counterexample().orElseThrow().input();
            assertTrue(p.isCounterexample(x, net.evaluate(x), 0.0, 0.0), "the counterexample holds: " + v);
        }
    }
}
