package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Window2dTest {

    static LongStream seeds() {
        return LongStream.range(0, 500);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sameGivesCeilInOverStride(long seed) {
        Random rnd = new Random(seed);
        int inH = 1 + rnd.nextInt(30), inW = 1 + rnd.nextInt(30), kH = 1 + rnd.nextInt(7), kW = 1 + rnd.nextInt(7);
        int sH = 1 + rnd.nextInt(4), sW = 1 + rnd.nextInt(4);
        for (Window2d w : new Window2d[] {Window2d.same(inH, inW, kH, kW, sH, sW), Window2d.sameLower(inH, inW, kH, kW, sH, sW)}) {
            String msg = "seed=" + seed + " " + w;
            assertEquals((inH + sH - 1) / sH, w.outHeight(inH), msg);
            assertEquals((inW + sW - 1) / sW, w.outWidth(inW), msg);
            // TF: total padding max((out-1)*stride + k - in, 0), split as evenly as possible.
            int outH = (inH + sH - 1) / sH, outW = (inW + sW - 1) / sW;
            assertEquals(Math.max((outH - 1) * sH + kH - inH, 0), w.padTop() + w.padBottom(), msg);
            assertEquals(Math.max((outW - 1) * sW + kW - inW, 0), w.padLeft() + w.padRight(), msg);
            assertTrue(Math.abs(w.padBottom() - w.padTop()) <= 1 && Math.abs(w.padRight() - w.padLeft()) <= 1, msg);
        }
        Window2d upper = Window2d.same(inH, inW, kH, kW, sH, sW);
        assertTrue(upper.padBottom() >= upper.padTop() && upper.padRight() >= upper.padLeft(), "SAME_UPPER puts the extra pad last");
        Window2d lower = Window2d.sameLower(inH, inW, kH, kW, sH, sW);
        assertTrue(lower.padTop() >= lower.padBottom() && lower.padLeft() >= lower.padRight(), "SAME_LOWER puts the extra pad first");
    }

    @Test
    void tensorFlowKnownCases() {
        // in 5, k 3, s 2 -> out 3, pad 1/1; in 4, k 3, s 2 -> out 2, pad 0/1; in 28, k 5, s 1 -> pad 2/2
        Window2d a = Window2d.same(5, 4, 3, 3, 2, 2);
        assertEquals(new Window2d(3, 3, 2, 2, 1, 1, 0, 1), a);
        assertEquals(3, a.outHeight(5));
        assertEquals(2, a.outWidth(4));
        assertEquals(Window2d.square(5, 1, 2), Window2d.same(28, 28, 5, 5, 1, 1));
        // kernel smaller than stride: no padding at all
        assertEquals(Window2d.valid(1, 1, 2, 2), Window2d.same(6, 6, 1, 1, 2, 2));
    }

    @Test
    void invalidGeometryIsRejected() {
        assertThrows(NetworkException.class, () -> Window2d.square(0, 1, 0));
        assertThrows(NetworkException.class, () -> Window2d.square(3, 0, 0));
        assertThrows(NetworkException.class, () -> Window2d.square(3, 1, -1));
        assertThrows(NetworkException.class, () -> Window2d.valid(5, 5, 1, 1).outHeight(4));
    }
}
