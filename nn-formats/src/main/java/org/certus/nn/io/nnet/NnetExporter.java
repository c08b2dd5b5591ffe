package org.certus.nn.io.nnet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.certus.nn.AffineOperation;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Relu;
import org.certus.nn.Shape;

/**
 * Writes a ReLU network in the ACAS Xu {@code .nnet} text format read by {@link NnetImporter}
 * (and by Reluplex, Marabou, NNV).
 *
 * <p>Accepted networks: affine layers ({@link Dense}, and also Conv2d, Flatten, Normalize,
 * AveragePool, which are converted to dense matrices) separated by single ReLUs, ending with an
 * affine layer. Consecutive affine layers are multiplied together into one dense layer, because NNet
 * has exactly one affine map between ReLUs; a network of Dense layers alternating with ReLUs is
 * written unchanged, weight for weight. Normalisation is written as means 0 and ranges 1 (any
 * normalisation layer of the network is folded into the weights), the minimum and maximum inputs are
 * the network's {@link InputDomain}. Doubles are written with {@link Double#toString}, so a round
 * trip reproduces every weight exactly.
 *
 * <p>An unbounded input (a domain bound of ±∞, as ONNX networks without image inputs get) is written as
 * ∓{@link #UNBOUNDED}, the largest float32, which is what the format's reference converter writes for
 * an input without bounds and what float32 readers can parse; {@link NnetImporter} reads it back as ±∞.
 */
public final class NnetExporter {
    /**
     * The magnitude written for an infinite input bound: {@code Float.MAX_VALUE}, as sisl/NNet's
     * {@code onnx2nnet} writes {@code np.finfo(np.float32).min/max} for inputs given no bounds. Readers
     * of the format parse numbers (the reference C reader with {@code atof}, and it clamps inputs to the
     * bounds), so a literal {@code Infinity} is not safe to write even though several readers accept it.
     */
    public static final double UNBOUNDED = Float.MAX_VALUE;

    private NnetExporter() {
    }

    /** Writes {@code network} to {@code file}; throws {@link NetworkException} if NNet cannot express it. */
    public static void write(Network network, Path file) {
        List<Dense> dense = toDenseLayers(network);
        int n = network.inputSize();
        int[] sizes = new int[dense.size() + 1];
        sizes[0] = n;
        int max = n;
        for (int k = 0; k < dense.size(); k++) {
            sizes[k + 1] = dense.get(k).outputSize();
            max = Math.max(max, sizes[k + 1]);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("// Neural network '" + network.name() + "' written by Certus\n");
            out.write("// ReLU hidden layers, linear output layer; identity input/output normalisation\n");
            line(out, dense.size(), n, network.outputSize(), max);
            line(out, sizes);
            out.write("0,\n");
            InputDomain d = network.inputDomain();
            line(out, bounded(d.lower()));
            line(out, bounded(d.upper()));
            line(out, new double[n + 1]);
            double[] ones = new double[n + 1];
            Arrays.fill(ones, 1.0);
            line(out, ones);
            for (Dense layer : dense) {
                double[] w = layer.weights();
                int in = layer.inputSize();
                for (int r = 0; r < layer.outputSize(); r++) {
                    line(out, Arrays.copyOfRange(w, r * in, (r + 1) * in));
                }
                for (double b : layer.bias()) {
                    line(out, b);
                }
            }
        } catch (IOException e) {
            throw new NetworkException("cannot write NNet file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The bounds with ±∞ replaced by ±{@link #UNBOUNDED}. */
    private static double[] bounded(double[] bounds) {
        double[] b = bounds.clone();
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.max(-UNBOUNDED, Math.min(UNBOUNDED, b[i]));
        }
        return b;
    }

    private static void line(BufferedWriter out, int... values) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(v).append(',');
        }
        out.write(sb.append('\n').toString());
    }

    private static void line(BufferedWriter out, double... values) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(v).append(',');
        }
        out.write(sb.append('\n').toString());
    }

    /** The network as dense layers, one per stretch of affine layers between ReLUs. */
    static List<Dense> toDenseLayers(Network network) {
        List<Dense> result = new ArrayList<>();
        double[] w = null; // pending composed affine map, row-major [rows][cols]
        double[] b = null;
        int cols = network.inputSize();
        if (!network.isSequential()) {
            throw new NetworkException("network '" + network.name() + "': NNet holds only sequential networks (this one is a graph)");
        }
        for (int i = 0; i < network.layerCount(); i++) {
            Operation layer = network.layer(i);
            Shape in = network.shapeBefore(i);
            String where = "network '" + network.name() + "', layer " + i + " (" + layer.describe() + ")";
            if (layer instanceof Relu) {
                if (w == null) {
                    throw new NetworkException(where + ": NNet needs an affine layer before every ReLU");
                }
                result.add(new Dense(cols, b.length, w, b));
                w = null;
                b = null;
                cols = in.size();
            } else if (layer instanceof AffineOperation affine) {
                if (w == null && layer instanceof Dense d) {
                    w = d.weights(); // kept verbatim so plain dense networks round-trip exactly
                    b = d.bias();
                } else {
                    AffineMap m = affine.toAffineMap(java.util.List.of(in));
                    if (w == null) {
                        w = m.toDense();
                        b = m.bias().clone();
                    } else {
                        double[] nw = new double[m.rows() * cols];
                        double[] nb = new double[m.rows()];
                        for (int r = 0; r < m.rows(); r++) {
                            double s = m.bias()[r];
                            for (int k = m.rowStart()[r]; k < m.rowStart()[r + 1]; k++) {
                                int j = m.colIndex()[k];
                                double v = m.values()[k];
                                s += v * b[j];
                                for (int c = 0; c < cols; c++) {
                                    nw[r * cols + c] += v * w[j * cols + c];
                                }
                            }
                            nb[r] = s;
                        }
                        w = nw;
                        b = nb;
                    }
                }
            } else {
                throw new NetworkException(where + ": NNet supports only affine layers and ReLU");
            }
        }
        if (w == null) {
            throw new NetworkException("network '" + network.name() + "' ends with a ReLU; NNet's output layer is linear");
        }
        result.add(new Dense(cols, b.length, w, b));
        return result;
    }
}
