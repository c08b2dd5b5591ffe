package org.certus.bench;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.certus.nn.Conv2d;
import org.certus.nn.InputDomain;
import org.certus.nn.Lowering;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.Relu;
import org.certus.nn.ReluChain;
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
 * Lowering a network whose affine operations follow one another without a ReLU between them, so that the lowering
 * composes their maps (sparse times sparse, with the float32 error map of every row): a 3×3 convolution, ReLU, then
 * three 3×3 convolutions in a row, whose composition has 7×7 rows (the third composes with rows that carry error
 * maps of their own), as in TinyYOLO's residual blocks (its lowering took 31–47 s, 86% of it in this composition,
 * now {@code RowComposition}). {@code channels} sets the size.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Lowering -f 1 -wi 2 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class LoweringBenchmark {
    @Param({"8", "16"})
    public int channels;

    private Network network;
    private double[] regionLower;

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(1);
        int c = channels, side = 32;
        List<Operation> ops = List.of(conv(rnd, 3, c), new Relu(), conv(rnd, c, c), conv(rnd, c, c), conv(rnd, c, c), new Relu());
        network = new Network("composed-convs", Shape.chw(3, side, side), InputDomain.uniform(3 * side * side, 0, 1), ops);
        regionLower = new double[3 * side * side];
    }

    private static Conv2d conv(Random rnd, int in, int out) {
        double[] w = new double[out * in * 9];
        for (int k = 0; k < w.length; k++) {
            w[k] = rnd.nextGaussian() / Math.sqrt(9.0 * in);
        }
        double[] b = new double[out];
        for (int k = 0; k < b.length; k++) {
            b[k] = 0.1 * rnd.nextGaussian();
        }
        return new Conv2d(in, out, Window2d.valid(3, 3, 1, 1), w, b);
    }

    @Benchmark
    public ReluChain lower() {
        return Lowering.lower(network, regionLower, () -> false);
    }
}
