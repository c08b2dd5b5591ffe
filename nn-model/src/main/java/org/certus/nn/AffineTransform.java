package org.certus.nn;

/**
 * A general affine map {@code y = A x + b} on a flat input, given as a sparse {@link AffineMap}: the
 * operation a {@link ReluChain} is made of when it is turned back into a network
 * ({@link ReluChain#asNetwork}). Its float32 model is that of one dot product per output.
 */
public final class AffineTransform implements UnaryAffineOperation {
    private final AffineMap map;

    public AffineTransform(AffineMap map) {
        this.map = map;
    }

    public AffineMap map() {
        return map;
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != map.cols()) {
            throw new NetworkException(describe() + " expects " + map.cols() + " inputs, got " + input);
        }
        return Shape.flat(map.rows());
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        return map;
    }

    @Override
    public boolean roundsInFloat32() {
        return true;
    }

    @Override
    public long parameterCount() {
        return (long) map.nonZeros() + map.rows();
    }

    @Override
    public String describe() {
        return "Affine(" + map.cols() + "->" + map.rows() + ", " + map.nonZeros() + " nonzeros)";
    }
}
