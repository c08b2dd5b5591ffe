package org.certus.bench;

import java.util.concurrent.TimeUnit;
import org.certus.nn.Float32Evaluation;
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
 * One exact forward pass ({@code Network.evaluate}) of a bundled network on an MNIST test image: the
 * cost of re-checking a counterexample and of one attack step's evaluation; and the float32 pass that
 * re-checks every search candidate.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ForwardPass -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class ForwardPassBenchmark {
    @Param({"mnist-wk17a", "mnist-rsl18a"})
    public String network;

    private MnistQuery q;
    private Float32Evaluation float32;

    @Setup(Level.Trial)
    public void setUp() {
        q = new MnistQuery(network, 0, 0.0);
        float32 = new Float32Evaluation(q.network);
    }

    @Benchmark
    public double[] evaluate() {
        return q.network.evaluate(q.image);
    }

    /** The float32 forward pass every search candidate gets besides the double one. */
    @Benchmark
    public double[] evaluateFloat32() {
        return float32.evaluate(q.image);
    }

    /** The same through the verifier's normal form (pre-activations of every layer kept). */
    @Benchmark
    public double[][] reluChainPreActivations() {
        return q.chain.preActivations(q.image);
    }
}
