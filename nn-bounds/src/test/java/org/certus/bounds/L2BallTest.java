package org.certus.bounds;

import org.certus.nn.OutwardRounding;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link L2Ball}: linear bounds over box ∩ L2 ball hold at sampled region points, are at least as
 * tight as the box and the plain ball bounds, and are nearly attained by the reported minimiser
 * (strong duality); symbolic bounds over an L2 region contain sampled activations.
 */
class L2BallTest {

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    /** A point of box ∩ ball: a random direction and length within r, clipped to the box (which keeps it in the ball). */
    static double[] sample(Random rnd, double[] c, double r, double[] lo, double[] hi) {
        int n = c.length;
        double[] d = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextGaussian();
            norm += d[i] * d[i];
        }
        norm = Math.sqrt(norm);
        // Often on the sphere, where the extremes lie.
        double len = r * (rnd.nextInt(3) == 0 ? 1.0 : Math.pow(rnd.nextDouble(), 1.0 / n)) * (1 - 1e-12);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(hi[i], Math.max(lo[i], c[i] + len * d[i] / norm));
        }
        return x;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void linearBoundsHoldAndAreNearlyAttained(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(8);
        double[] c = new double[n], lo = new double[n], hi = new double[n], lambda = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rnd.nextDouble() * 2 - 1;
            lo[i] = c[i] - rnd.nextDouble() * (rnd.nextBoolean() ? 0.2 : 2);
            hi[i] = c[i] + rnd.nextDouble() * (rnd.nextBoolean() ? 0.2 : 2);
            lambda[i] = rnd.nextInt(5) == 0 ? 0.0 : rnd.nextGaussian();
        }
        double r = switch (rnd.nextInt(4)) {
            case 0 -> 0.0;
            case 1 -> 1e-3 * rnd.nextDouble();
            case 2 -> 5 * rnd.nextDouble();
            default -> rnd.nextDouble();
        };
        L2Ball ball = new L2Ball(c, r);
        double[] mag = new double[1];
        double[] argmin = new double[n];
        double min = ball.optimize(lambda, n, lo, hi, false, argmin, mag);
        double minLo = OutwardRounding.down(min, mag[0], n + 1);
        double[] argmax = new double[n];
        double max = ball.optimize(lambda, n, lo, hi, true, argmax, mag);
        double maxHi = OutwardRounding.up(max, mag[0], n + 1);
        String ctx = "seed " + seed + ": n " + n + ", r " + r + ", [" + minLo + ", " + maxHi + "]";
        assertTrue(minLo <= maxHi, ctx);
        for (int s = 0; s < 2000; s++) {
            double v = dot(lambda, sample(rnd, c, r, lo, hi));
            assertTrue(v >= minLo && v <= maxHi, ctx + ": sampled value " + v);
        }
        // At least as good as the box and the ball bounds.
        double box = 0, ballBound = 0, norm2 = 0;
        for (int i = 0; i < n; i++) {
            box += Math.min(lambda[i] * lo[i], lambda[i] * hi[i]);
            ballBound += lambda[i] * c[i];
            norm2 += lambda[i] * lambda[i];
        }
        ballBound -= r * Math.sqrt(norm2);
        double slack = 1e-12 * (1 + Math.abs(min));
        assertTrue(min >= box - slack && min >= ballBound - slack, ctx + ": looser than the box " + box + " or ball " + ballBound);
        // The minimiser is a region point and (duality gap) nearly attains the bound.
        for (double[] x : new double[][] {argmin, argmax}) {
            for (int i = 0; i < n; i++) {
                assertTrue(x[i] >= lo[i] && x[i] <= hi[i], ctx + ": minimiser outside the box");
            }
            assertTrue(ball.distance(x) <= r * (1 + 1e-9) + 1e-15, ctx + ": minimiser outside the ball, at " + ball.distance(x));
        }
        double scale = 1 + Math.abs(min) + Math.sqrt(norm2);
        assertTrue(dot(lambda, argmin) - min <= 1e-6 * scale, ctx + ": gap " + (dot(lambda, argmin) - min));
        assertTrue(max - dot(lambda, argmax) <= 1e-6 * scale, ctx + ": gap " + (max - dot(lambda, argmax)));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void symbolicBoundsContainSampledActivations(long seed) {
        Random rnd = new Random(500 + seed);
        Network net = BoundSoundnessTest.randomNetwork(rnd);
        ReluChain chain = ReluChain.of(net);
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = -1;
            hi[i] = 1;
            c[i] = rnd.nextDouble() * 1.6 - 0.8;
        }
        double r = rnd.nextDouble() * (rnd.nextBoolean() ? 0.3 : 2);
        L2Ball ball = new L2Ball(c, r);
        SymbolicPropagator sym = new SymbolicPropagator(rnd.nextBoolean(), ball);
        NetworkBounds b = sym.propagate(chain, lo, hi);
        NetworkBounds box = new SymbolicPropagator(false).propagate(chain, lo, hi);
        assertFalse(b.infeasible(), "seed " + seed);
        AffineMap firstOutput = AffineMap.identity(chain.outputSize()).selectRows(new int[] {0});
        LinearBounds out = sym.minimize(chain, b, lo, hi, firstOutput);
        double widthBall = 0, widthBox = 0;
        for (int i = 0; i < b.layerCount(); i++) {
            for (int j = 0; j < b.lower(i).length; j++) {
                widthBall += b.upper(i)[j] - b.lower(i)[j];
                widthBox += box.upper(i)[j] - box.lower(i)[j];
            }
        }
        assertTrue(widthBall <= widthBox * (1 + 1e-9) + 1e-9, "seed " + seed + ": the ball only adds information");
        for (int s = 0; s < 300; s++) {
            double[] x = sample(rnd, c, r, lo, hi);
            double[][] z = chain.preActivations(x);
            for (int i = 0; i < b.layerCount(); i++) {
                for (int j = 0; j < z[i].length; j++) {
                    assertTrue(z[i][j] >= b.lower(i)[j] && z[i][j] <= b.upper(i)[j], "seed " + seed + ": bounds [" + b.lower(i)[j]
                            + ", " + b.upper(i)[j] + "] miss " + z[i][j] + " at layer " + i + " neuron " + j);
                }
            }
            assertTrue(chain.evaluate(x)[0] >= out.lower()[0], "seed " + seed + ": minimize() bound violated");
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
