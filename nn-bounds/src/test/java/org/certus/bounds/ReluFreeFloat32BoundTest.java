package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A network without a ReLU (one affine map): the FLOAT32 lower bound of an output row ({@code minimize}) is below
 * the row at every float32 and double evaluation, in every summation order of {@link Float32BoundsContainmentTest},
 * of badly scaled random weights. (It used to be the interval bound of the exact map, with no rounding at all.)
 */
class ReluFreeFloat32BoundTest {
    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void boundIsBelowEveryEvaluation(long seed) {
        Random rnd = new Random(seed * 104729 + 7);
        int inputs = 1 + rnd.nextInt(6);
        int outputs = 1 + rnd.nextInt(3);
        double[] w = new double[inputs * outputs];
        double[] b = new double[outputs];
        for (int q = 0; q < w.length; q++) {
            w[q] = Float32BoundsContainmentTest.wild(rnd);
        }
        for (int q = 0; q < b.length; q++) {
            b[q] = Float32BoundsContainmentTest.wild(rnd);
        }
        Network net = new Network("linear", Shape.flat(inputs), InputDomain.uniform(inputs, -1e9, 1e9),
                List.of(new Dense(inputs, outputs, w, b)));
        ReluChain chain = ReluChain.of(net);
        assertEquals(0, chain.reluLayerCount());
        double[][] box = Float32BoundsContainmentTest.randomBox(rnd, inputs);
        double[] lo = box[0], hi = box[1];
        double[] c = BoundSoundnessTest.gaussian(rnd, outputs, 1.0);
        AffineMap row = AffineMap.fromDense(1, outputs, c, new double[1]);
        SymbolicPropagator sym = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32);
        double bound = sym.minimize(chain, sym.propagate(chain, lo, hi), lo, hi, row).lower()[0];
        String ctx = "seed " + seed + " (replay: ReluFreeFloat32BoundTest seed " + seed + ")";
        for (double[] x : Float32BoundsContainmentTest.samples(rnd, lo, hi)) {
            for (Float32BoundsContainmentTest.Order o : Float32BoundsContainmentTest.Order.values()) {
                for (double[][] z : List.of(Float32BoundsContainmentTest.evalFloat(chain, x, o, rnd),
                        Float32BoundsContainmentTest.evalDouble(chain, x, o, rnd))) {
                    // The row's own sum (a few terms, in double) is not the network's rounding: a margin far below it.
                    double v = 0, size = 0;
                    for (int j = 0; j < outputs; j++) {
                        v += c[j] * z[0][j];
                        size += Math.abs(c[j] * z[0][j]);
                    }
                    assertTrue(bound <= v + 1e-15 * size, ctx + ": bound " + bound + " above the row's value " + v + " (" + o + ")");
                }
            }
        }
    }
}
