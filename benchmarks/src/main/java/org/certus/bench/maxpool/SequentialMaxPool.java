package org.certus.bench.maxpool;

import java.util.ArrayList;
import java.util.List;
import org.certus.nn.AffineMap;
import org.certus.nn.Lowering;
import org.certus.nn.MaxPool;
import org.certus.nn.Shape;
import org.certus.nn.UnaryOperation;

/**
 * MaxPool lowered as a sequential chain {@code max(…max(max(a, b), c)…, z)} instead of {@link MaxPool}'s
 * balanced tree: the same k − 1 ReLUs per window of k inputs, but k − 1 ReLU layers deep instead of
 * ⌈log₂ k⌉. Only for {@link MaxPoolLowerings}, which measures the two against each other; every other
 * rule is MaxPool's own.
 */
record SequentialMaxPool(MaxPool pool) implements UnaryOperation {

    @Override
    public Shape outputShape(Shape input) {
        return pool.outputShape(input);
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        pool.forward(input, in, out);
    }

    @Override
    public void forwardFloat32(Shape input, float[] in, float[] out) {
        pool.forwardFloat32(input, in, out);
    }

    @Override
    public void interval(Shape input, double[] lo, double[] hi, double[] outLo, double[] outHi) {
        pool.interval(input, lo, hi, outLo, outHi);
    }

    @Override
    public double[] float32Error(Shape input, double[] maxAbs) {
        return pool.float32Error(input, maxAbs);
    }

    @Override
    public double[] propagateError(Shape input, double[] inError) {
        return pool.propagateError(input, inError);
    }

    @Override
    public Lowering.Value lower(Lowering lowering, Shape input, Lowering.Value in) {
        int[][] windows = pool.windowIndices(input);
        int longest = 0;
        for (int[] w : windows) {
            longest = Math.max(longest, w.length);
        }
        // cur holds, per window, its running max (row w) followed by the original candidates.
        Lowering.Value cur = lowering.exact(select(firsts(windows), in.size()), List.of(in));
        Lowering.Value orig = in;
        for (int step = 1; step < longest; step++) {
            List<int[]> pairs = new ArrayList<>();
            for (int w = 0; w < windows.length; w++) {
                if (step < windows[w].length) {
                    pairs.add(new int[] {w, windows[w][step]});
                }
            }
            // d = c_step − m for the windows that have a step-th candidate; m' = m + relu(d).
            int n = pairs.size();
            int[] start = new int[n + 1];
            int[] col = new int[2 * n];
            double[] val = new double[2 * n];
            for (int p = 0; p < n; p++) {
                col[2 * p] = pairs.get(p)[0];
                val[2 * p] = -1;
                col[2 * p + 1] = cur.size() + pairs.get(p)[1];
                val[2 * p + 1] = 1;
                start[p + 1] = 2 * (p + 1);
            }
            Lowering.Value d = lowering.exact(new AffineMap(n, cur.size() + orig.size(), start, col, val, new double[n]), List.of(cur, orig));
            Lowering.Value r = lowering.relu(d);
            int[] s2 = new int[windows.length + 1];
            List<Integer> c2 = new ArrayList<>();
            List<Double> v2 = new ArrayList<>();
            int p = 0;
            for (int w = 0; w < windows.length; w++) {
                c2.add(r.size() + w);
                v2.add(1.0);
                if (p < n && pairs.get(p)[0] == w) {
                    c2.add(p++);
                    v2.add(1.0);
                }
                s2[w + 1] = c2.size();
            }
            cur = lowering.exact(new AffineMap(windows.length, r.size() + cur.size(), s2, c2.stream().mapToInt(Integer::intValue).toArray(),
                    v2.stream().mapToDouble(Double::doubleValue).toArray(), new double[windows.length]), List.of(r, cur));
        }
        return cur;
    }

    private static int[] firsts(int[][] windows) {
        int[] f = new int[windows.length];
        for (int w = 0; w < windows.length; w++) {
            f[w] = windows[w][0];
        }
        return f;
    }

    private static AffineMap select(int[] cols, int n) {
        int[] start = new int[cols.length + 1];
        double[] ones = new double[cols.length];
        for (int r = 0; r < cols.length; r++) {
            start[r + 1] = r + 1;
            ones[r] = 1;
        }
        return new AffineMap(cols.length, n, start, cols.clone(), ones, new double[cols.length]);
    }

    @Override
    public String describe() {
        return "Sequential" + pool.describe();
    }
}
