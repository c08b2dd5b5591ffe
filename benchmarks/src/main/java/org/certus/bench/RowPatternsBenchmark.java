package org.certus.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.certus.nn.AffineMap;
import org.certus.nn.Conv2d;
import org.certus.nn.RowPatterns;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two passes of an α,β step over a lowered convolution, over its compressed rows (as every map did before
 * {@link RowPatterns}) and over its shared patterns (as maps of a million weights or more do now): the
 * back-substitution's scatter {@code next += λ A} (two thirds of the outputs with a non-zero λ, as behind a ReLU
 * layer) and the relaxed forward pass's dot products. Both add the same products in the same order.
 * {@code channels} sets the size: 16 → 32 channels, 3×3, over 56×56 is 13.4 million weights (TinyYOLO's maps hold
 * 1.1–17.8 million), 4 → 8 channels 0.8 million, where the compressed rows mostly stay in cache.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RowPatterns -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class RowPatternsBenchmark {
    @Param({"4", "16"})
    public int channels;

    private AffineMap map;
    private RowPatterns patterns;
    private double[] lambda;
    private double[] next;
    private double[] h;
    private double[] z;

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(1);
        int in = channels, out = 2 * channels;
        double[] w = new double[out * in * 9];
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextGaussian();
        }
        map = new Conv2d(in, out, Window2d.valid(3, 3, 1, 1), w, new double[out]).toAffineMap(Shape.chw(in, 56, 56));
        patterns = RowPatterns.of(map);
        lambda = new double[map.rows()];
        for (int n = 0; n < lambda.length; n++) {
            lambda[n] = rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian();
        }
        h = new double[map.cols()];
        for (int c = 0; c < h.length; c++) {
            h[c] = rnd.nextDouble();
        }
        next = new double[map.cols()];
        z = new double[map.rows()];
    }

    @Benchmark
    public double[] scatterCompressedRows() {
        int[] rs = map.rowStart();
        int[] ci = map.colIndex();
        double[] av = map.values();
        for (int n = 0; n < lambda.length; n++) {
            double l = lambda[n];
            if (l == 0.0) {
                continue;
            }
            for (int q = rs[n]; q < rs[n + 1]; q++) {
                next[ci[q]] += l * av[q];
            }
        }
        return next;
    }

    @Benchmark
    public double[] scatterPatterns() {
        patterns.scatter(lambda, next);
        return next;
    }

    @Benchmark
    public double[] dotCompressedRows() {
        int[] rs = map.rowStart();
        int[] ci = map.colIndex();
        double[] av = map.values();
        for (int n = 0; n < z.length; n++) {
            double acc = 0.0;
            for (int q = rs[n]; q < rs[n + 1]; q++) {
                acc += av[q] * h[ci[q]];
            }
            z[n] = acc;
        }
        return z;
    }

    @Benchmark
    public double[] dotPatterns() {
        for (int n = 0; n < z.length; n++) {
            z[n] = patterns.dot(n, h, 0.0);
        }
        return z;
    }
}
