package org.certus.nn;

/** Turns an image into a flat vector in the given memory order; a flat input passes unchanged. */
public record Flatten(FlattenOrder order) implements UnaryAffineOperation {

    public Flatten {
        if (order == null) {
            throw new NetworkException("Flatten needs a memory order");
        }
    }

    @Override
    public Shape outputShape(Shape input) {
        return Shape.flat(input.size());
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        if (order == FlattenOrder.NCHW || !input.isImage()) {
            System.arraycopy(in, 0, out, 0, in.length);
            return;
        }
        int c = input.channels(), h = input.height(), w = input.width();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(y * w + x) * c + ch] = in[(ch * h + y) * w + x];
                }
            }
        }
    }

    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        Shape input = inputs.get(0);
        for (int i = 0; i < in[0].length; i++) {
            out[destination(input, i)] = in[0][i];
        }
    }

    @Override
    public boolean roundsInFloat32() {
        return false;
    }

    /** The output index that input index {@code i} moves to. */
    public int destination(Shape input, int i) {
        if (order == FlattenOrder.NCHW || !input.isImage()) {
            return i;
        }
        int h = input.height(), w = input.width(), c = input.channels();
        int ch = i / (h * w), rem = i % (h * w);
        return rem * c + ch;
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        int n = input.size();
        int[] start = new int[n + 1];
        int[] idx = new int[n];
        double[] val = new double[n];
        for (int i = 0; i < n; i++) {
            idx[destination(input, i)] = i;
            start[i + 1] = i + 1;
            val[i] = 1.0;
        }
        return new AffineMap(n, n, start, idx, val, new double[n]);
    }

    @Override
    public String describe() {
        return "Flatten(" + order + ")";
    }
}
