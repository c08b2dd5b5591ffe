package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.bounds.OutputCone;
import org.certus.nn.AffineMap;
import org.certus.nn.Conv2d;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.RandomNetworks;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PgdAttack} evaluates only the cone of the outputs its disjuncts read. On random convolutional networks whose
 * output is a convolution (so one or two outputs read part of the network), its margin is the same number as the
 * margin of the whole chain's evaluation at every sampled input, and the inputs it returns lie in the box.
 */
class PgdAttackConeTest {
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void marginOfTheConeIsTheChainsMargin(long seed) {
        Random rnd = new Random(seed * 2203 + 1);
        int c = 1 + rnd.nextInt(2), h = 6 + rnd.nextInt(4), w = 6 + rnd.nextInt(4), m = 2 + rnd.nextInt(2);
        Window2d win = Window2d.square(3, 1, 1);
        Shape in = Shape.chw(c, h, w);
        Network net = new Network("cone", in, InputDomain.uniform(in.size(), 0, 1), List.of(
                new Conv2d(c, m, win, RandomNetworks.gaussian(rnd, m * c * 9, 0.4), RandomNetworks.gaussian(rnd, m, 0.2)), new Relu(),
                new Conv2d(m, m, win, RandomNetworks.gaussian(rnd, m * m * 9, 0.4), RandomNetworks.gaussian(rnd, m, 0.2)), new Relu(),
                new Conv2d(m, 2, win, RandomNetworks.gaussian(rnd, 2 * m * 9, 0.4), RandomNetworks.gaussian(rnd, 2, 0.2))));
        ReluChain chain = ReluChain.of(net);
        int outputs = net.outputSize();
        int a = rnd.nextInt(outputs), b = rnd.nextInt(outputs);
        // Unsafe where output a reaches output b, or where output b is below a threshold.
        double[] d = new double[2 * outputs];
        d[a] = -1;
        d[b] += 1;
        d[outputs + b] = 1;
        AffineMap disjunct = AffineMap.fromDense(2, outputs, d, new double[] {0.0, -0.1});
        boolean[] read = new boolean[outputs];
        read[a] = read[b] = true;
        assertNotNull(OutputCone.of(chain, read), "seed " + seed + ": two outputs of a convolution read part of the network");
        PgdAttack attack = new PgdAttack(chain, List.of(disjunct));
        double[] lo = new double[in.size()], hi = new double[in.size()];
        for (int i = 0; i < lo.length; i++) {
            double x = rnd.nextDouble();
            lo[i] = Math.max(0, x - 0.1);
            hi[i] = Math.min(1, x + 0.1);
        }
        for (int s = 0; s < 20; s++) {
            double[] x = new double[lo.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = lo[i] + rnd.nextDouble() * (hi[i] - lo[i]);
            }
            double expected = VerificationQuery.worstRow(disjunct, chain.evaluate(x));
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(attack.margin(x)), "seed " + seed + ", sample " + s);
        }
        double[] found = attack.run(lo, hi, 3, 20, rnd, null, new CancelToken(), Long.MAX_VALUE, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < found.length; i++) {
            assertTrue(found[i] >= lo[i] && found[i] <= hi[i], "seed " + seed + ": input " + i + " outside the box");
        }
        double centreMargin = attack.margin(mid(lo, hi));
        assertTrue(attack.margin(found) <= centreMargin, "seed " + seed + ": the attack ends above its first start");
    }

    private static double[] mid(double[] lo, double[] hi) {
        double[] x = new double[lo.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5 * (lo[i] + hi[i]);
        }
        return x;
    }
}
