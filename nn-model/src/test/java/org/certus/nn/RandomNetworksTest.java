package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generator is deterministic per seed and produces networks with unstable ReLUs on small boxes. */
class RandomNetworksTest {

    @Test
    void sameSeedSameNetwork() {
        Network a = RandomNetworks.dense(new Random(42), 4, 8, 8, 3);
        Network b = RandomNetworks.dense(new Random(42), 4, 8, 8, 3);
        double[] x = {0.1, 0.2, -0.3, 0.4};
        assertArrayEquals(a.evaluate(x), b.evaluate(x));
        assertEquals(16, a.reluCount());
        Network c = RandomNetworks.conv(new Random(7), 1, 6, 6, new int[] {2, 3}, 5, 4);
        assertEquals(4, c.outputSize());
        assertEquals(InputDomain.uniform(36, 0, 1).describe(), c.inputDomain().describe());
    }

    /** Share of ReLUs whose interval pre-activation bounds straddle zero on a box of the given radius. */
    static double unstableShare(Network net, Random rnd, double radius) {
        double[] c = RandomNetworks.pointIn(rnd, net.inputDomain());
        double[] lo = new double[c.length], hi = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            lo[i] = Math.max(net.inputDomain().lower(i), c[i] - radius);
            hi[i] = Math.min(net.inputDomain().upper(i), c[i] + radius);
        }
        int unstable = 0, total = 0;
        for (int i = 0; i < net.layerCount(); i++) {
            Operation l = net.layer(i);
            if (l instanceof UnaryAffineOperation a) {
                AffineMap m = a.toAffineMap(net.shapeBefore(i));
                double[] nlo = new double[m.rows()], nhi = new double[m.rows()];
                for (int r = 0; r < m.rows(); r++) {
                    double sl = m.bias()[r], sh = m.bias()[r];
                    for (int k = m.rowStart()[r]; k < m.rowStart()[r + 1]; k++) {
                        double w = m.values()[k];
                        int j = m.colIndex()[k];
                        sl += w > 0 ? w * lo[j] : w * hi[j];
                        sh += w > 0 ? w * hi[j] : w * lo[j];
                    }
                    nlo[r] = sl;
                    nhi[r] = sh;
                }
                lo = nlo;
                hi = nhi;
            } else {
                for (int j = 0; j < lo.length; j++) {
                    total++;
                    if (lo[j] < 0 && hi[j] > 0) {
                        unstable++;
                    }
                    lo[j] = Math.max(0, lo[j]);
                    hi[j] = Math.max(0, hi[j]);
                }
            }
        }
        return (double) unstable / total;
    }

    @Test
    void aReasonableShareOfRelusIsUnstableOnASmallBox() {
        Random rnd = new Random(2024);
        double denseShare = 0, convShare = 0;
        int n = 50;
        for (int t = 0; t < n; t++) {
            denseShare += unstableShare(RandomNetworks.dense(rnd, 5, 20, 20, 3), rnd, 0.1);
            convShare += unstableShare(RandomNetworks.conv(rnd, 1, 8, 8, new int[] {4, 4}, 10, 3), rnd, 0.1);
        }
        denseShare /= n;
        convShare /= n;
        System.out.printf("unstable ReLU share on radius-0.1 boxes: dense %.2f, conv %.2f%n", denseShare, convShare);
        assertTrue(denseShare > 0.1 && denseShare < 0.9, "dense unstable share " + denseShare);
        assertTrue(convShare > 0.1 && convShare < 0.9, "conv unstable share " + convShare);
    }
}
