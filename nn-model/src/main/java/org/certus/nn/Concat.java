package org.certus.nn;

import java.util.List;

/**
 * Several computed tensors joined along one axis: flat vectors end to end, images along their
 * channels, rows or columns. It only moves values (exact in any arithmetic); lowered it is a
 * permutation, so a Concat of branches at different depths carries the shallower ones through
 * passthrough neurons (see {@link Lowering}).
 */
public record Concat(Axis axis) implements AffineOperation {
    /** The axis of a Certus {@link Shape}: the only one of a flat vector, or one of an image's. */
    public enum Axis { FLAT, CHANNEL, HEIGHT, WIDTH }

    public Concat {
        if (axis == null) {
            throw new NetworkException("Concat needs an axis");
        }
    }

    @Override
    public int arity() {
        return VARIADIC;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        if (inputs.isEmpty()) {
            throw new NetworkException("Concat needs at least one input");
        }
        if (axis == Axis.FLAT) {
            int n = 0;
            for (Shape s : inputs) {
                if (!s.isFlat()) {
                    throw new NetworkException("Concat of flat vectors got " + s);
                }
                n += s.size();
            }
            return Shape.flat(n);
        }
        Shape first = inputs.get(0);
        int c = 0, h = 0, w = 0;
        for (Shape s : inputs) {
            if (!s.isImage()) {
                throw new NetworkException("Concat of images along " + axis + " got " + s);
            }
            boolean fits = switch (axis) {
                case CHANNEL -> s.height() == first.height() && s.width() == first.width();
                case HEIGHT -> s.channels() == first.channels() && s.width() == first.width();
                default -> s.channels() == first.channels() && s.height() == first.height();
            };
            if (!fits) {
                throw new NetworkException("Concat along " + axis + " of " + first + " and " + s + ": the other dimensions differ");
            }
            c += s.channels();
            h += s.height();
            w += s.width();
        }
        return switch (axis) {
            case CHANNEL -> Shape.chw(c, first.height(), first.width());
            case HEIGHT -> Shape.chw(first.channels(), h, first.width());
            default -> Shape.chw(first.channels(), first.height(), w);
        };
    }

    /** For each output element, its index in the inputs' values concatenated in input order. */
    int[] sources(List<Shape> inputs) {
        Shape out = outputShape(inputs);
        int[] src = new int[out.size()];
        if (axis == Axis.FLAT || axis == Axis.CHANNEL) {
            for (int i = 0; i < src.length; i++) {
                src[i] = i; // end to end: channel-major storage appends whole channels
            }
            return src;
        }
        int base = 0, at = 0;
        for (Shape s : inputs) {
            for (int ch = 0; ch < s.channels(); ch++) {
                for (int y = 0; y < s.height(); y++) {
                    for (int x = 0; x < s.width(); x++) {
                        int oy = axis == Axis.HEIGHT ? y + at : y;
                        int ox = axis == Axis.WIDTH ? x + at : x;
                        src[(ch * out.height() + oy) * out.width() + ox] = base + (ch * s.height() + y) * s.width() + x;
                    }
                }
            }
            at += axis == Axis.HEIGHT ? s.height() : s.width();
            base += s.size();
        }
        return src;
    }

    @Override
    public void forward(List<Shape> inputs, double[][] in, double[] out) {
        double[] all = AffineOperation.concat(in);
        int[] src = sources(inputs);
        for (int i = 0; i < out.length; i++) {
            out[i] = all[src[i]];
        }
    }

    @Override
    public void forwardFloat32(List<Shape> inputs, float[][] in, float[] out) {
        float[] all = AffineOperation.concat(in);
        int[] src = sources(inputs);
        for (int i = 0; i < out.length; i++) {
            out[i] = all[src[i]];
        }
    }

    @Override
    public AffineMap toAffineMap(List<Shape> inputs) {
        int[] src = sources(inputs);
        int total = 0;
        for (Shape s : inputs) {
            total += s.size();
        }
        return MaxPool.selection(src, total);
    }

    @Override
    public boolean roundsInFloat32() {
        return false;
    }

    @Override
    public String describe() {
        return "Concat(" + axis.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
