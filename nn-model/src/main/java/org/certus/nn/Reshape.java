package org.certus.nn;

/**
 * Reinterprets the values as another shape of the same size (flat ↔ CHW); the storage order is
 * unchanged, so it is the identity map. Used to feed a parameter vector mapped into image space
 * (e.g. a blurring kernel's effect) into a convolutional network.
 */
public record Reshape(Shape target) implements UnaryAffineOperation {

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != target.size()) {
            throw new NetworkException("cannot reshape " + input + " into " + target);
        }
        return target;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        outputShape(input);
        System.arraycopy(in, 0, out, 0, in.length);
    }

    @Override
    public void forwardFloat32(java.util.List<Shape> inputs, float[][] in, float[] out) {
        outputShape(inputs);
        System.arraycopy(in[0], 0, out, 0, out.length);
    }

    @Override
    public boolean roundsInFloat32() {
        return false;
    }

    @Override
    public AffineMap toAffineMap(Shape input) {
        outputShape(input);
        return AffineMap.identity(input.size());
    }

    @Override
    public String describe() {
        return "Reshape(" + target + ")";
    }
}
