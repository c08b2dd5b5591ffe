package org.certus.bench;

import java.util.concurrent.TimeUnit;
import org.certus.bounds.IntervalPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
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
 * Interval and symbolic (CROWN-style) bounds of a bundled network over the eps = 0.1 L∞ ball of MNIST
 * test image 0: the per-node cost of branch-and-bound's bounding step.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BoundPropagation -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class BoundPropagationBenchmark {
    @Param({"mnist-wk17a", "mnist-rsl18a"})
    public String network;

    private MnistQuery q;
    private final IntervalPropagator interval = new IntervalPropagator();
    private final SymbolicPropagator symbolic = new SymbolicPropagator();
    private final SymbolicPropagator symbolicSequential = new SymbolicPropagator(false);

    @Setup(Level.Trial)
    public void setUp() {
        q = new MnistQuery(network, 0, 0.1);
    }

    @Benchmark
    public NetworkBounds interval() {
        return interval.propagate(q.chain, q.box.lower(), q.box.upper());
    }

    /** Rows of a layer bounded on all cores (the default). */
    @Benchmark
    public NetworkBounds symbolic() {
        return symbolic.propagate(q.chain, q.box.lower(), q.box.upper());
    }

    /** One thread: what each branch-and-bound worker pays when workers already use all cores. */
    @Benchmark
    public NetworkBounds symbolicSequential() {
        return symbolicSequential.propagate(q.chain, q.box.lower(), q.box.upper());
    }
}
