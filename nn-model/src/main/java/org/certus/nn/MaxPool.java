package org.certus.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Max pooling per channel over (possibly overlapping) windows. Padded positions are ignored (they
 * act as −∞, as in ONNX and PyTorch); a window that covers only padding is rejected.
 *
 * <p>Exact in any arithmetic (it only compares), 1-Lipschitz per element. It lowers to a balanced
 * tree of ReLUs per window, {@code max(a, b) = b + relu(a − b)}, pairing candidates round by round
 * (a window of k inputs takes ⌈log₂ k⌉ ReLU layers and k − 1 ReLUs): the engine's relaxation of each
 * ReLU is then the triangle of {@code max(a, b)} over the bounds of {@code a − b} (the same for either
 * operand order), its lower slope α ranges over the convex combinations of a and b, and fixing every
 * ReLU of a window's tree settles which input wins, so a complete search can always decide it.
 * MIPVerify's MILP instead gives each input of a window one binary; the tree needs one fewer and its
 * triangles are that formulation's LP relaxation where a window has two inputs.
 */
public record MaxPool(Window2d window) implements UnaryOperation {

    @Override
    public Shape outputShape(Shape input) {
        if (!input.isImage()) {
            throw new NetworkException("MaxPool expects an image input, got " + input);
        }
        Shape out = Shape.chw(input.channels(), window.outHeight(input.height()), window.outWidth(input.width()));
        PoolWindows.requireNonEmpty(window, input, out, "MaxPool");
        return out;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        int[][] windows = windowIndices(input);
        for (int o = 0; o < windows.length; o++) {
            int[] w = windows[o];
            double m = in[w[0]];
            for (int k = 1; k < w.length; k++) {
                m = Math.max(m, in[w[k]]);
            }
            out[o] = m;
        }
    }

    @Override
    public void forwardFloat32(Shape input, float[] in, float[] out) {
        int[][] windows = windowIndices(input);
        for (int o = 0; o < windows.length; o++) {
            int[] w = windows[o];
            float m = in[w[0]];
            for (int k = 1; k < w.length; k++) {
                m = Math.max(m, in[w[k]]);
            }
            out[o] = m;
        }
    }

    @Override
    public void interval(Shape input, double[] lo, double[] hi, double[] outLo, double[] outHi) {
        forward(input, lo, outLo);
        forward(input, hi, outHi);
    }

    @Override
    public double[] float32Error(Shape input, double[] maxAbs) {
        return new double[outputShape(input).size()];
    }

    @Override
    public double[] propagateError(Shape input, double[] inError) {
        double[] out = new double[outputShape(input).size()];
        forward(input, inError, out);
        return out;
    }

    /** For each output position, the flat input indices of its window (padding excluded). */
    public int[][] windowIndices(Shape input) {
        return PoolWindows.inputIndices(window, input, outputShape(input));
    }

    @Override
    public Lowering.Value lower(Lowering lowering, Shape input, Lowering.Value in) {
        int[][] candidates = windowIndices(input);
        Lowering.Value cur = in;
        while (true) {
            int pairs = 0;
            for (int[] c : candidates) {
                pairs += c.length / 2;
            }
            if (pairs == 0) {
                break;
            }
            // a − b for every pair of candidates, over the current candidate values.
            int[] dStart = new int[pairs + 1];
            int[] dCol = new int[2 * pairs];
            double[] dVal = new double[2 * pairs];
            int p = 0;
            for (int[] c : candidates) {
                for (int i = 0; i + 1 < c.length; i += 2) {
                    dCol[2 * p] = Math.min(c[i], c[i + 1]);
                    dCol[2 * p + 1] = Math.max(c[i], c[i + 1]);
                    dVal[2 * p] = c[i] < c[i + 1] ? 1.0 : -1.0;
                    dVal[2 * p + 1] = -dVal[2 * p];
                    dStart[++p] = 2 * p;
                }
            }
            Lowering.Value diff = lowering.exact(new AffineMap(pairs, cur.size(), dStart, dCol, dVal, new double[pairs]), List.of(cur));
            Lowering.Value r = lowering.relu(diff);
            // Next candidates over [r ; cur]: b + relu(a − b) per pair, an odd one carried as it is.
            int next = 0;
            for (int[] c : candidates) {
                next += (c.length + 1) / 2;
            }
            List<Integer> start = new ArrayList<>(List.of(0));
            List<Integer> col = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            int[][] nextCandidates = new int[candidates.length][];
            int row = 0;
            p = 0;
            for (int w = 0; w < candidates.length; w++) {
                int[] c = candidates[w];
                nextCandidates[w] = new int[(c.length + 1) / 2];
                for (int i = 0; i < c.length; i += 2) {
                    if (i + 1 < c.length) {
                        col.add(p++);
                        val.add(1.0);
                        col.add(r.size() + c[i + 1]);
                        val.add(1.0);
                    } else {
                        col.add(r.size() + c[i]);
                        val.add(1.0);
                    }
                    start.add(col.size());
                    nextCandidates[w][i / 2] = row++;
                }
            }
            cur = lowering.exact(new AffineMap(next, r.size() + cur.size(), start.stream().mapToInt(Integer::intValue).toArray(),
                    col.stream().mapToInt(Integer::intValue).toArray(), val.stream().mapToDouble(Double::doubleValue).toArray(),
                    new double[next]), List.of(r, cur));
            candidates = nextCandidates;
        }
        int[] select = new int[candidates.length];
        for (int w = 0; w < candidates.length; w++) {
            select[w] = candidates[w][0];
        }
        return lowering.exact(selection(select, cur.size()), List.of(cur));
    }

    /** The map picking {@code cols[r]} of {@code n} values for each output r. */
    static AffineMap selection(int[] cols, int n) {
        int[] start = new int[cols.length + 1];
        for (int r = 0; r < cols.length; r++) {
            start[r + 1] = r + 1;
        }
        double[] ones = new double[cols.length];
        Arrays.fill(ones, 1.0);
        return new AffineMap(cols.length, n, start, cols.clone(), ones, new double[cols.length]);
    }

    @Override
    public String describe() {
        return "MaxPool(" + window.describe() + ")";
    }
}
