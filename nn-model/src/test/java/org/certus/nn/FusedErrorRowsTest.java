package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lowering's composition adds an input row's error entries in the pass over its terms where the two rows list the
 * same columns (a composed row's usually do): the chain, its float32 error maps and their bounds are the same bits
 * as with the error entries in a pass of their own. The networks run three or four affine operations in a row
 * (dense or 3×3 convolutions, an Add of two such branches), so that the later ones compose rows that carry error
 * maps of their own.
 */
class FusedErrorRowsTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /** Input, then 2–3 affine maps, ReLU, 2–3 affine maps, ReLU, and 1–2 affine maps to the outputs. */
    static Network chainOfAffineRuns(Random rnd) {
        boolean conv = rnd.nextBoolean();
        int c = 1 + rnd.nextInt(2), side = 4 + rnd.nextInt(3), width = 3 + rnd.nextInt(4);
        List<Operation> ops = new ArrayList<>();
        int in = conv ? c : c * side * side;
        for (int run = 0; run < 3; run++) {
            int maps = run == 2 ? 1 + rnd.nextInt(2) : 2 + rnd.nextInt(2);
            for (int m = 0; m < maps; m++) {
                if (conv) {
                    int out = 1 + rnd.nextInt(3);
                    ops.add(RandomNetworks.convLayer(rnd, in, out, Window2d.square(3, 1, 1)));
                    in = out;
                } else {
                    int out = run == 2 && m == maps - 1 ? 2 : width;
                    ops.add(RandomNetworks.denseLayer(rnd, in, out));
                    in = out;
                }
            }
            if (run < 2) {
                ops.add(new Relu());
            }
        }
        Shape shape = conv ? Shape.chw(c, side, side) : Shape.flat(c * side * side);
        return new Network("affine-runs", shape, InputDomain.uniform(shape.size(), 0, 1), ops);
    }

    /** Two branches of two convolutions each, added, then a convolution: the Add and the last map compose composed rows. */
    static Network addOfComposedBranches(Random rnd) {
        int c = 1 + rnd.nextInt(2), m = 2 + rnd.nextInt(2), side = 4 + rnd.nextInt(3);
        Window2d same = Window2d.square(3, 1, 1);
        List<Network.Node> nodes = List.of(
                new Network.Node(RandomNetworks.convLayer(rnd, c, m, same), new int[] {0}),  // 1
                new Network.Node(new Relu(), new int[] {1}),                                 // 2
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {2}),  // 3
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {3}),  // 4
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, Window2d.square(1, 1, 0)), new int[] {2}), // 5
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {5}),  // 6
                new Network.Node(new Add(), new int[] {4, 6}),                               // 7
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {7}),  // 8
                new Network.Node(new Relu(), new int[] {8}),                                 // 9
                new Network.Node(RandomNetworks.convLayer(rnd, m, 2, same), new int[] {9})); // 10
        Shape in = Shape.chw(c, side, side);
        return Network.graph("added-branches", in, InputDomain.uniform(in.size(), 0, 1), nodes);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fusedPassGivesTheSameChain(long seed) {
        Random rnd = new Random(seed * 7919 + 3);
        for (Network net : new Network[] {chainOfAffineRuns(rnd), addOfComposedBranches(rnd)}) {
            String where = "seed " + seed + ", " + net.name();
            double[] lo = new double[net.inputSize()];
            ReluChain fused = Lowering.lower(net, lo);
            ReluChain separate = Lowering.lowerWithSeparateErrorPasses(net, lo);
            assertEquals(separate.reluLayerCount(), fused.reluLayerCount(), where);
            for (int i = 0; i <= fused.reluLayerCount(); i++) {
                LoweringChunksTest.assertSameMap(where + ", layer " + i, separate.affine(i), fused.affine(i));
                LoweringChunksTest.assertSameMap(where + ", error map of layer " + i, separate.float32ErrorMap(i), fused.float32ErrorMap(i));
                LoweringChunksTest.assertSameMap(where + ", error bound of layer " + i, separate.float32ErrorBound(i), fused.float32ErrorBound(i));
            }
        }
    }
}
