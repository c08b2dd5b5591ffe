package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward linear bounds on their own (not intersected with anything else) contain every sampled
 * pre-activation, on random deep dense networks with few inputs (ACAS Xu's shape, scaled down);
 * and {@link SymbolicPropagator}, which uses them for such networks, contains them too on sub-boxes
 * that re-use a parent's bounds.
 */
class ForwardLinearBoundsTest {
    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    static Network deepNetwork(Random rnd, int inputs) {
        List<Operation> layers = new ArrayList<>();
        int width = inputs;
        int hidden = 2 + rnd.nextInt(4);
        for (int i = 0; i < hidden; i++) {
            int next = 5 + rnd.nextInt(20);
            layers.add(new Dense(width, next, BoundSoundnessTest.gaussian(rnd, width * next, 1.5 / Math.sqrt(width)),
                    BoundSoundnessTest.gaussian(rnd, next, 0.3)));
            layers.add(new Relu());
            width = next;
        }
        int out = 2 + rnd.nextInt(4);
        layers.add(new Dense(width, out, BoundSoundnessTest.gaussian(rnd, width * out, 1.0), BoundSoundnessTest.gaussian(rnd, out, 0.3)));
        return new Network("deep", Shape.flat(inputs), InputDomain.uniform(inputs, -1, 1), layers);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void forwardBoundsAloneContainSampledActivations(long seed) {
        Random rnd = new Random(seed);
        int inputs = 1 + rnd.nextInt(6);
        Network net = deepNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[] lo = new double[inputs], hi = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double c = rnd.nextDouble() * 2 - 1, r = rnd.nextDouble() * 0.8;
            lo[i] = c - r;
            hi[i] = c + r;
        }
        ForwardLinearBounds f = new ForwardLinearBounds(chain, lo, hi);
        int k = chain.reluLayerCount();
        double[][] l = new double[k + 1][], u = new double[k + 1][];
        for (int i = 0; i <= k; i++) {
            l[i] = new double[chain.affine(i).rows()];
            u[i] = new double[l[i].length];
            Arrays.fill(l[i], Double.NEGATIVE_INFINITY);
            Arrays.fill(u[i], Double.POSITIVE_INFINITY);
            f.advance(i, i == 0 ? null : l[i - 1], i == 0 ? null : u[i - 1], null, l[i], u[i]);
            for (int j = 0; j < l[i].length; j++) {
                assertTrue(Double.isFinite(l[i][j]) && Double.isFinite(u[i][j]) && l[i][j] <= u[i][j],
                        "seed " + seed + ": bad forward bounds at layer " + i + " neuron " + j);
            }
        }
        for (int s = 0; s < 300; s++) {
            double[][] z = chain.preActivations(BoundSoundnessTest.sample(rnd, lo, hi, s));
            for (int i = 0; i <= k; i++) {
                for (int j = 0; j < z[i].length; j++) {
                    assertTrue(z[i][j] >= l[i][j] && z[i][j] <= u[i][j], "seed " + seed + ": layer " + i + " neuron " + j + " value "
                            + z[i][j] + " outside forward bounds [" + l[i][j] + ", " + u[i][j] + "]");
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void symbolicBoundsOnSubBoxesWithParentBoundsContainSampledActivations(long seed) {
        Random rnd = new Random(seed);
        int inputs = 1 + rnd.nextInt(6);
        Network net = deepNetwork(rnd, inputs);
        ReluChain chain = ReluChain.of(net);
        double[] lo = new double[inputs], hi = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            double c = rnd.nextDouble() * 2 - 1, r = rnd.nextDouble() * 0.8;
            lo[i] = c - r;
            hi[i] = c + r;
        }
        ArithmeticModel model = rnd.nextBoolean() ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
        SymbolicPropagator p = new SymbolicPropagator(false, null, model);
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds parent = p.propagate(chain, lo, hi, none);
        // Halve the box along a random dimension, as the input-split search does.
        int dim = rnd.nextInt(inputs);
        double mid = lo[dim] + 0.5 * (hi[dim] - lo[dim]);
        double[] cLo = lo.clone(), cHi = hi.clone();
        if (rnd.nextBoolean()) {
            cHi[dim] = mid;
        } else {
            cLo[dim] = mid;
        }
        NetworkBounds child = p.propagate(chain, cLo, cHi, none, parent, 0);
        for (int i = 0; i < child.layerCount(); i++) {
            for (int j = 0; j < child.lower(i).length; j++) {
                assertTrue(child.lower(i)[j] >= parent.lower(i)[j] && child.upper(i)[j] <= parent.upper(i)[j],
                        "seed " + seed + ": child looser than parent at layer " + i);
            }
        }
        for (int s = 0; s < 300; s++) {
            double[][] z = chain.preActivations(BoundSoundnessTest.sample(rnd, cLo, cHi, s));
            for (int i = 0; i < child.layerCount(); i++) {
                for (int j = 0; j < z[i].length; j++) {
                    assertTrue(z[i][j] >= child.lower(i)[j] && z[i][j] <= child.upper(i)[j],
                            "seed " + seed + " (" + model + "): layer " + i + " neuron " + j + " value " + z[i][j] + " outside ["
                                    + child.lower(i)[j] + ", " + child.upper(i)[j] + "]");
                }
            }
        }
    }
}
