package org.certus.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The verifier's normal form of a network: {@code z_1 = A_1 x + b_1, h_1 = relu(z_1), …,
 * y = A_{k+1} h_k + b_{k+1}}. Consecutive affine layers (Normalize, Conv2d, Flatten, Dense,
 * AveragePool) are composed into one {@link AffineMap}, so each ReLU layer is preceded by exactly
 * one affine map and bound propagation, the MILP encoding and branch-and-bound all index ReLU
 * layers the same way: ReLU layer {@code i} (0-based) has pre-activations {@code affine(i)} of the
 * previous post-activations (or the input for i = 0), and {@code affine(reluLayerCount())} gives
 * the outputs.
 */
public final class ReluChain {
    private final Network network;
    private final List<AffineMap> affines;

    private ReluChain(Network network, List<AffineMap> affines) {
        this.network = network;
        this.affines = List.copyOf(affines);
    }

    /**
     * Builds the normal form; throws {@link NetworkException} for layers the verifier does not
     * support yet (MaxPool, Residual) and for two ReLUs without an affine layer between them.
     */
    public static ReluChain of(Network network) {
        List<AffineMap> maps = new ArrayList<>();
        AffineMap current = AffineMap.identity(network.inputSize());
        for (int i = 0; i < network.layerCount(); i++) {
            Layer layer = network.layer(i);
            Shape in = network.shapeBefore(i);
            if (layer instanceof AffineLayer a) {
                current = current.then(a.toAffineMap(in));
            } else if (layer instanceof Relu) {
                maps.add(current);
                current = AffineMap.identity(in.size());
            } else {
                throw new NetworkException("network '" + network.name() + "', layer " + i + ": " + layer.describe()
                        + " is not supported by the verifier yet (supported: Dense, Conv2d, AveragePool, Flatten, Normalize, ReLU)");
            }
        }
        maps.add(current);
        return new ReluChain(network, maps);
    }

    public Network network() {
        return network;
    }

    /** Number of ReLU layers k. */
    public int reluLayerCount() {
        return affines.size() - 1;
    }

    /** Affine map i: produces ReLU layer i's pre-activations, or the outputs for i = k. */
    public AffineMap affine(int i) {
        return affines.get(i);
    }

    /** Width of ReLU layer i. */
    public int width(int i) {
        return affines.get(i).rows();
    }

    public int inputSize() {
        return affines.get(0).cols();
    }

    public int outputSize() {
        return affines.get(affines.size() - 1).rows();
    }

    public int reluCount() {
        int n = 0;
        for (int i = 0; i < reluLayerCount(); i++) {
            n += width(i);
        }
        return n;
    }

    /**
     * Forward pass in this form: returns pre-activations of every ReLU layer followed by the outputs
     * ({@code result[i]} for ReLU layer i, {@code result[k]} the outputs).
     */
    public double[][] preActivations(double[] x) {
        int k = reluLayerCount();
        double[][] z = new double[k + 1][];
        double[] h = x;
        for (int i = 0; i <= k; i++) {
            AffineMap a = affines.get(i);
            z[i] = new double[a.rows()];
            a.apply(h, z[i]);
            if (i < k) {
                h = new double[z[i].length];
                for (int j = 0; j < h.length; j++) {
                    h[j] = Math.max(0.0, z[i][j]);
                }
            }
        }
        return z;
    }

    public double[] evaluate(double[] x) {
        double[][] z = preActivations(x);
        return z[z.length - 1];
    }
}
