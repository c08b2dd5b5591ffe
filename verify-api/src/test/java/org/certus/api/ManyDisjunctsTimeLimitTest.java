package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A property whose normal form has thousands of disjuncts (thirteen two-way disjunctions: 8,192) once kept
 * the search on its first node for more than 20 s under a 1 s limit: past the limit each disjunct still got
 * its row pairs and candidate checks, each candidate checked against every disjunct. Past the limit only the
 * bounds already computed count now, so the search ends a few seconds after it (one bounding pass of the
 * root over all rows cannot be cut short).
 */
class ManyDisjunctsTimeLimitTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aOneSecondLimitIsKeptWithEightThousandDisjuncts() throws Exception {
        Network net = NetworkLoader.load("acasxu-1-1");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            text.append("(declare-const X_").append(i).append(" Real)\n");
        }
        for (int j = 0; j < 5; j++) {
            text.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        double[][] box = {{0.6, 0.679857769}, {-0.5, 0.5}, {-0.5, 0.5}, {0.45, 0.5}, {-0.5, -0.45}};
        for (int i = 0; i < 5; i++) {
            text.append("(assert (>= X_").append(i).append(' ').append(box[i][0]).append("))\n");
            text.append("(assert (<= X_").append(i).append(' ').append(box[i][1]).append("))\n");
        }
        text.append("(assert (>= Y_0 3.991125645861615))\n");
        for (int k = 0; k < 13; k++) {
            text.append("(assert (or (<= Y_0 ").append(k).append(") (>= Y_1 ").append(-k).append(")))\n");
        }
        VnnlibProperty p = VnnlibParser.parse(new StringReader(text.toString()), "many.vnnlib", 5, 5);
        long t0 = System.nanoTime();
        Verdict v = Verifier.create(net).verify(p, SearchOptions.defaults().withTimeLimit(Duration.ofSeconds(1)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertNotEquals(VerdictStatus.FALSIFIED, v.status(), "prop_1 holds on 1-1, and the disjunctions only shrink its unsafe set");
        assertTrue(seconds < 15, "a 1 s limit took " + seconds + " s");
    }
}
