package org.certus.nn;

import java.util.List;

/**
 * A float32 forward pass, node by node as ONNX runtimes evaluate: each operation's
 * {@link Operation#forwardFloat32} (every product and sum rounded to float; weights are float32 in
 * ONNX files, so casting them is exact there). Used to confirm that a counterexample found in double
 * precision also holds in the arithmetic users run the network in, and to catch counterexamples that
 * exist only in float32.
 *
 * <p>Immutable and thread-safe; building it converts each affine operation without a kernel of its own
 * to its sparse map once (the same arithmetic as the operation's own float32 rule, faster).
 */
public final class Float32Evaluation {
    private final Network network;
    private final AffineMap[] maps;

    public Float32Evaluation(Network network) {
        this.network = network;
        this.maps = new AffineMap[network.nodeCount()];
        for (int i = 0; i < maps.length; i++) {
            Operation op = network.layer(i);
            // Operations with their own float kernel (Dense, pooling, Normalize, moves of values) keep it.
            if (op instanceof Conv2d || op instanceof ConvTranspose2d || op instanceof AffineTransform) {
                maps[i] = ((AffineOperation) op).toAffineMap(network.inputShapes(i));
            }
        }
    }

    /** The input rounded to the nearest float32 values, each moved inward if rounding left [lo, hi]. */
    public static double[] roundInto(double[] x, double[] lo, double[] hi) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float f = (float) x[i];
            if (f < lo[i]) {
                f = Math.nextUp(f);
            } else if (f > hi[i]) {
                f = Math.nextDown(f);
            }
            r[i] = f;
        }
        return r;
    }

    /** Outputs of the network evaluated in float32 at {@code x} (first rounded to float32). */
    public double[] evaluate(double[] x) {
        int n = network.nodeCount();
        float[][] values = new float[n + 1][];
        float[] v0 = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            v0[i] = (float) x[i];
        }
        values[0] = v0;
        for (int i = 0; i < n; i++) {
            Network.Node node = network.node(i);
            int[] in = node.inputs();
            float[][] args = new float[in.length][];
            for (int k = 0; k < in.length; k++) {
                args[k] = values[in[k]];
            }
            float[] out = new float[network.valueShape(i + 1).size()];
            List<Shape> shapes = network.inputShapes(i);
            if (maps[i] != null) {
                AffineOperation.applyFloat32(maps[i], args[0], out);
            } else {
                node.op().forwardFloat32(shapes, args, out);
            }
            values[i + 1] = out;
        }
        float[] y = values[n];
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i];
        }
        return out;
    }
}
