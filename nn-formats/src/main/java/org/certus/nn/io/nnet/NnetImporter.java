package org.certus.nn.io.nnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Relu;
import org.certus.nn.Shape;

/**
 * Reads the {@code .nnet} text format of the ACAS Xu networks (Julian, Katz et al.; used by
 * Reluplex, Marabou, NNV). Layout, after any leading {@code //} comment lines, one record a line,
 * values separated by commas (a trailing comma is allowed):
 * <ol>
 *   <li>numLayers, inputSize, outputSize, maxLayerSize — numLayers counts weight layers;</li>
 *   <li>numLayers + 1 layer sizes, input first;</li>
 *   <li>a deprecated "symmetric" flag (ignored);</li>
 *   <li>inputSize minimum input values, then inputSize maximum input values;</li>
 *   <li>inputSize + 1 means and inputSize + 1 ranges (the last of each for the outputs);</li>
 *   <li>per layer: one line of weights per output neuron, then one line per bias.</li>
 * </ol>
 *
 * <p>Semantics: the network normalises its input as {@code (x_i − mean_i) / range_i}, applies the
 * hidden layers with ReLU and a linear output layer, then de-normalises every output as
 * {@code y · range_out + mean_out}. The imported {@link Network} therefore takes inputs in the
 * <em>original</em> units, and its {@link Network#inputDomain()} is {@code [min_i, max_i]} in those
 * original units (the reference C implementation clamps inputs to that box; a verifier restricts to
 * it instead). A minimum or maximum of magnitude at least {@link NnetExporter#UNBOUNDED} (the largest
 * float32, which the reference converter writes for an input without bounds), or written as
 * {@code inf}/{@code Infinity} (which the Python and C reference readers parse), leaves that side of the
 * input unbounded (±∞); everywhere else values must be finite. Layers built: a diagonal {@link Dense} doing the input normalisation (omitted when all
 * means are 0 and ranges 1), then Dense/ReLU pairs, then the output Dense with the output scaling
 * folded into its weights and bias (exact when mean_out is 0 and range_out is 1, which is then a no-op).
 *
 * <p>Note that the ACAS Xu ONNX networks of VNN-COMP already expect <em>normalised</em> inputs and
 * have no output scaling: the NNet and ONNX versions of the same network differ by exactly this
 * normalisation, and so do their VNN-LIB properties (written in normalised units).
 *
 * <p>Every error is a {@link NetworkException} naming the file and line.
 */
public final class NnetImporter {
    private NnetImporter() {
    }

    /** Reads a {@code .nnet} file; the network is named after the file (without extension). */
    public static Network read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NetworkException("NNet file not found: " + file, e);
        } catch (IOException e) {
            throw new NetworkException("cannot read NNet file " + file + ": " + e.getMessage(), e);
        }
        return new Parser(file, lines).parse();
    }

    /** Walks the records (non-blank, non-comment lines) of one file, tracking line numbers for errors. */
    private static final class Parser {
        private final Path file;
        private final List<String> lines;
        private int next; // index into lines of the next unread line
        private int lineNo; // 1-based number of the line last read

        Parser(Path file, List<String> lines) {
            this.file = file;
            this.lines = lines;
        }

        NetworkException error(String message) {
            return new NetworkException(file + ":" + lineNo + ": " + message);
        }

        /** The next record's tokens, or an error naming what was expected if the file has ended. */
        String[] record(String expected) {
            while (next < lines.size()) {
                String line = lines.get(next++).strip();
                lineNo = next;
                if (line.isEmpty() || line.startsWith("//")) {
                    continue;
                }
                String[] raw = line.split("[,\\s]+");
                List<String> tokens = new ArrayList<>(raw.length);
                for (String t : raw) {
                    if (!t.isEmpty()) {
                        tokens.add(t);
                    }
                }
                return tokens.toArray(new String[0]);
            }
            lineNo = lines.size();
            throw new NetworkException(file + ": file is truncated: it ends (line " + lines.size() + ") where " + expected + " should follow");
        }

        /** The next record's tokens, which must be {@code count}. */
        String[] tokens(String what, int count) {
            String[] tokens = record(what);
            if (tokens.length < count) {
                throw error("too few numbers for " + what + ": expected " + count + ", found " + tokens.length);
            }
            if (tokens.length > count) {
                throw error("too many numbers for " + what + ": expected " + count + ", found " + tokens.length);
            }
            return tokens;
        }

        double[] numbers(String what, int count) {
            String[] tokens = tokens(what, count);
            double[] v = new double[count];
            for (int i = 0; i < count; i++) {
                v[i] = number(tokens[i], what, i);
            }
            return v;
        }

        double number(String token, String what, int index) {
            double v;
            try {
                v = Double.parseDouble(token);
            } catch (NumberFormatException e) {
                throw error("value " + (index + 1) + " of " + what + " is not a number: '" + token + "'");
            }
            if (!Double.isFinite(v)) {
                throw error("value " + (index + 1) + " of " + what + " is not finite: " + token);
            }
            return v;
        }

        /**
         * A line of input bounds: numbers, where ±{@link NnetExporter#UNBOUNDED} or more and
         * {@code inf}/{@code Infinity} stand for an unbounded side; NaN is still an error.
         */
        double[] bounds(String what, int count) {
            String[] tokens = tokens(what, count);
            double[] v = new double[count];
            for (int i = 0; i < count; i++) {
                String t = tokens[i].toLowerCase(Locale.ROOT);
                String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
                if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                    v[i] = t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    continue;
                }
                double x;
                try {
                    x = Double.parseDouble(tokens[i]);
                } catch (NumberFormatException e) {
                    throw error("value " + (i + 1) + " of " + what + " is not a number: '" + tokens[i] + "'");
                }
                if (Double.isNaN(x)) {
                    throw error("value " + (i + 1) + " of " + what + " is not a number: " + tokens[i]);
                }
                v[i] = Math.abs(x) >= NnetExporter.UNBOUNDED ? Math.copySign(Double.POSITIVE_INFINITY, x) : x;
            }
            return v;
        }

        int[] positiveInts(String what, int count) {
            double[] v = numbers(what, count);
            int[] r = new int[count];
            for (int i = 0; i < count; i++) {
                if (v[i] != Math.rint(v[i]) || v[i] < 1 || v[i] > Integer.MAX_VALUE) {
                    throw error("value " + (i + 1) + " of " + what + " must be a positive integer, got " + v[i]);
                }
                r[i] = (int) v[i];
            }
            return r;
        }

        Network parse() {
            int[] header = positiveInts("the header (numLayers, inputSize, outputSize, maxLayerSize)", 4);
            int numLayers = header[0], inputSize = header[1], outputSize = header[2], maxLayerSize = header[3];
            int[] sizes = positiveInts("the layer sizes (numLayers + 1 = " + (numLayers + 1) + " values)", numLayers + 1);
            int headerLine = lineNo;
            if (sizes[0] != inputSize) {
                throw error("first layer size " + sizes[0] + " differs from the header's inputSize " + inputSize);
            }
            if (sizes[numLayers] != outputSize) {
                throw error("last layer size " + sizes[numLayers] + " differs from the header's outputSize " + outputSize);
            }
            int max = 0;
            for (int s : sizes) {
                max = Math.max(max, s);
            }
            if (max != maxLayerSize) {
                throw error("largest layer size " + max + " differs from the header's maxLayerSize " + maxLayerSize);
            }
            record("the (deprecated) symmetric flag");
            double[] min = bounds("the minimum input values", inputSize);
            int minLine = lineNo;
            double[] maxIn = bounds("the maximum input values", inputSize);
            InputDomain domain;
            try {
                domain = new InputDomain(min, maxIn);
            } catch (NetworkException e) {
                throw new NetworkException(file + ":" + minLine + "-" + lineNo + ": " + e.getMessage(), e);
            }
            double[] means = numbers("the means (inputSize + 1 values)", inputSize + 1);
            double[] ranges = numbers("the ranges (inputSize + 1 values)", inputSize + 1);
            for (int i = 0; i < ranges.length; i++) {
                if (ranges[i] == 0.0) {
                    throw error("range " + (i + 1) + " is zero (normalisation divides by it)");
                }
            }

            List<Operation> layers = new ArrayList<>();
            if (!isIdentity(means, ranges, inputSize)) {
                layers.add(inputNormalisation(means, ranges, inputSize));
            }
            for (int k = 0; k < numLayers; k++) {
                int in = sizes[k], out = sizes[k + 1];
                double[] w = new double[in * out];
                for (int r = 0; r < out; r++) {
                    double[] row = numbers("weight row " + (r + 1) + " of layer " + (k + 1) + " (" + in + " values)", in);
                    System.arraycopy(row, 0, w, r * in, in);
                }
                double[] b = new double[out];
                for (int r = 0; r < out; r++) {
                    b[r] = numbers("bias " + (r + 1) + " of layer " + (k + 1), 1)[0];
                }
                if (k == numLayers - 1) {
                    // Fold y·range_out + mean_out into the output layer.
                    double scale = ranges[inputSize], shift = means[inputSize];
                    if (scale != 1.0 || shift != 0.0) {
                        for (int i = 0; i < w.length; i++) {
                            w[i] *= scale;
                        }
                        for (int i = 0; i < b.length; i++) {
                            b[i] = b[i] * scale + shift;
                        }
                    }
                }
                layers.add(new Dense(in, out, w, b));
                if (k < numLayers - 1) {
                    layers.add(new Relu());
                }
            }
            while (next < lines.size()) {
                String line = lines.get(next++).strip();
                lineNo = next;
                if (!line.isEmpty() && !line.startsWith("//")) {
                    throw error("unexpected content after the last layer's biases (layer sizes on line " + headerLine + " say the file should end here)");
                }
            }
            String name = file.getFileName().toString().replaceFirst("\\.nnet$", "");
            return new Network(name, Shape.flat(inputSize), domain, layers);
        }
    }

    private static boolean isIdentity(double[] means, double[] ranges, int inputSize) {
        for (int i = 0; i < inputSize; i++) {
            if (means[i] != 0.0 || ranges[i] != 1.0) {
                return false;
            }
        }
        return true;
    }

    /** {@code (x_i − mean_i) / range_i} as a diagonal Dense (Normalize's means are per channel, not per element). */
    private static Dense inputNormalisation(double[] means, double[] ranges, int n) {
        double[] w = new double[n * n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            w[i * n + i] = 1.0 / ranges[i];
            b[i] = -means[i] / ranges[i];
        }
        return new Dense(n, n, w, b);
    }
}
