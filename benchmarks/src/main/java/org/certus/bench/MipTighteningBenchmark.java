package org.certus.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
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
 * LP tightening of mnist-wk17a's hidden layers from symbolic bounds (in full; without the splitting stage; without
 * it and the ideal-formulation cuts), and MIP tightening from the LP bounds (one thread, 1 s per neuron and direction), over the eps = 0.1 L∞ ball of an MNIST test image:
 * what {@code certus bounds --tightening lp|mip} and the search's root tightening cost per sample.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MipTightening -f 1 -wi 1 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class MipTighteningBenchmark {
    /** 115: a sample where the splitting stage settles a dense-layer ReLU (neuron 65) that cuts leave unstable. */
    @Param({"0", "11", "115"})
    public int sample;

    private MnistQuery q;
    private NetworkBounds symbolic;
    private NetworkBounds lp;

    @Setup(Level.Trial)
    public void setUp() {
        q = new MnistQuery("mnist-wk17a", sample, 0.1);
        symbolic = new SymbolicPropagator(false).propagate(q.chain, q.box.lower(), q.box.upper());
        lp = new LpTightening(Duration.ofSeconds(600), false).tighten(q.chain, q.box.lower(), q.box.upper(), symbolic);
    }

    @Benchmark
    public NetworkBounds lpFromSymbolic() {
        return new LpTightening(Duration.ofSeconds(600), false).tighten(q.chain, q.box.lower(), q.box.upper(), symbolic);
    }

    @Benchmark
    public NetworkBounds lpWithoutSplitsFromSymbolic() {
        return new LpTightening(Duration.ofSeconds(600), false).withSplits(false).tighten(q.chain, q.box.lower(), q.box.upper(),
                symbolic);
    }

    @Benchmark
    public NetworkBounds lpWithoutCutsFromSymbolic() {
        return new LpTightening(Duration.ofSeconds(600), false).withCuts(false).withSplits(false)
                .tighten(q.chain, q.box.lower(), q.box.upper(), symbolic);
    }

    @Benchmark
    public NetworkBounds mipFromLp() {
        return new MipTightening(Duration.ofSeconds(1), Duration.ofSeconds(600), false).tighten(q.chain, q.box.lower(), q.box.upper(), lp);
    }
}
