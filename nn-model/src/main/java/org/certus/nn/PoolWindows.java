package org.certus.nn;

import java.util.Arrays;

/** Window enumeration shared by the pooling layers. */
final class PoolWindows {
    private PoolWindows() {
    }

    static int[][] inputIndices(Window2d win, Shape in, Shape out) {
        int c = in.channels(), inH = in.height(), inW = in.width(), outH = out.height(), outW = out.width();
        int[][] result = new int[out.size()][];
        int[] buf = new int[win.kernelH() * win.kernelW()];
        for (int ch = 0; ch < c; ch++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int n = 0;
                    for (int ky = 0; ky < win.kernelH(); ky++) {
                        int y = oy * win.strideH() - win.padTop() + ky;
                        if (y < 0 || y >= inH) {
                            continue;
                        }
                        for (int kx = 0; kx < win.kernelW(); kx++) {
                            int x = ox * win.strideW() - win.padLeft() + kx;
                            if (x >= 0 && x < inW) {
                                buf[n++] = (ch * inH + y) * inW + x;
                            }
                        }
                    }
                    result[(ch * outH + oy) * outW + ox] = Arrays.copyOf(buf, n);
                }
            }
        }
        return result;
    }

    static void requireNonEmpty(Window2d win, Shape in, Shape out, String what) {
        // A window lies wholly in the padding only if padding >= kernel; checking the corners suffices.
        if (win.padTop() >= win.kernelH() || win.padLeft() >= win.kernelW()
                || (out.height() - 1) * win.strideH() - win.padTop() >= in.height()
                || (out.width() - 1) * win.strideW() - win.padLeft() >= in.width()) {
            throw new NetworkException(what + "(" + win.describe() + ") on " + in + " has a window that covers only padding");
        }
    }
}
