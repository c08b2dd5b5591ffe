package org.certus.nn;

import java.util.Arrays;

/**
 * The shape of one tensor flowing through a {@link Network}, without the batch dimension: either a
 * flat vector ({@code [n]}) or an image in channel-major order ({@code [c, h, w]}, i.e. NCHW with
 * N = 1). Values are always stored flat in that order.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int... dims) {
        for (int d : dims) {
            if (d <= 0) {
                throw new NetworkException("shape dimensions must be positive, got " + Arrays.toString(dims));
            }
        }
        this.dims = dims.clone();
    }

    public static Shape flat(int n) {
        return new Shape(n);
    }

    public static Shape chw(int channels, int height, int width) {
        return new Shape(channels, height, width);
    }

    public boolean isFlat() {
        return dims.length == 1;
    }

    public boolean isImage() {
        return dims.length == 3;
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    /** Channels of an image shape; 1 for a flat vector (so per-channel layers apply to it). */
    public int channels() {
        return isImage() ? dims[0] : 1;
    }

    public int height() {
        requireImage("height");
        return dims[1];
    }

    public int width() {
        requireImage("width");
        return dims[2];
    }

    public int size() {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    public int[] dims() {
        return dims.clone();
    }

    private void requireImage(String what) {
        if (!isImage()) {
            throw new NetworkException("shape " + this + " has no " + what + " (not an image)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
