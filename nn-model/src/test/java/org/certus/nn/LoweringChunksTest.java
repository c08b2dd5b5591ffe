package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A large composition is split into chunks of rows composed in parallel and concatenated ({@link Lowering}); the
 * chain must not depend on the chunk size. Random residual graphs (a skip from the input through a 1 × 1
 * convolution, convolutions composed across an Add and an average pool, as in TinyYOLO) lowered in one chunk and
 * in chunks of a few rows give the same maps and float32 error maps, bit for bit.
 */
class LoweringChunksTest {
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    static Network residualGraph(Random rnd) {
        int c = 1 + rnd.nextInt(2), h = 2 * (3 + rnd.nextInt(3)), w = 2 * (3 + rnd.nextInt(3));
        int m = 2 + rnd.nextInt(2);
        Window2d same = Window2d.square(3, 1, 1);
        Window2d one = Window2d.square(1, 1, 0);
        List<Network.Node> nodes = List.of(
                new Network.Node(RandomNetworks.convLayer(rnd, c, m, one), new int[] {0}),   // 1: skip from the input
                new Network.Node(RandomNetworks.convLayer(rnd, c, m, same), new int[] {0}),  // 2
                new Network.Node(new Relu(), new int[] {2}),                                 // 3
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {3}),  // 4
                new Network.Node(new Add(), new int[] {1, 4}),                               // 5
                new Network.Node(new AveragePool(Window2d.square(2, 2, 0), false), new int[] {5}), // 6
                new Network.Node(RandomNetworks.convLayer(rnd, m, m, same), new int[] {6}),  // 7
                new Network.Node(new Relu(), new int[] {7}),                                 // 8
                new Network.Node(RandomNetworks.convLayer(rnd, m, 2, same), new int[] {8})); // 9
        Shape in = Shape.chw(c, h, w);
        return Network.graph("residual", in, InputDomain.uniform(in.size(), 0, 1), nodes);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void chunkSizeDoesNotChangeTheChain(long seed) {
        Random rnd = new Random(seed * 4099 + 5);
        Network net = residualGraph(rnd);
        double[] lo = new double[net.inputSize()];
        ReluChain whole = Lowering.lower(net, lo, () -> false, Integer.MAX_VALUE);
        ReluChain chunked = Lowering.lower(net, lo, () -> false, 1 + rnd.nextInt(7));
        assertEquals(whole.reluLayerCount(), chunked.reluLayerCount(), "seed " + seed);
        for (int i = 0; i <= whole.reluLayerCount(); i++) {
            assertSameMap("seed " + seed + ", layer " + i, whole.affine(i), chunked.affine(i));
            assertSameMap("seed " + seed + ", error map of layer " + i, whole.float32ErrorBound(i), chunked.float32ErrorBound(i));
        }
    }

    /** The same map bit for bit (both null counts as the same). */
    static void assertSameMap(String where, AffineMap a, AffineMap b) {
        if (a == null || b == null) {
            assertTrue(a == null && b == null, where + ": one map is null");
            return;
        }
        assertEquals(a.rows(), b.rows(), where + ": rows");
        assertEquals(a.cols(), b.cols(), where + ": cols");
        assertArrayEquals(a.rowStart(), b.rowStart(), where + ": row starts");
        assertArrayEquals(a.colIndex(), b.colIndex(), where + ": columns");
        assertArrayEquals(a.values(), b.values(), 0.0, where + ": values");
        assertArrayEquals(a.bias(), b.bias(), 0.0, where + ": bias");
    }
}
