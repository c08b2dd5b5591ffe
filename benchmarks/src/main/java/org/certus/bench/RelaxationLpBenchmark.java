package org.certus.bench;

import java.util.concurrent.TimeUnit;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.encode.EncodingObjective;
import org.certus.encode.MilpEncoder;
import org.certus.encode.MilpEncoding;
import org.certus.encode.PhaseIndicator;
import org.certus.milp.LpResult;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The LP relaxation of the MILP of one WK17a query (MNIST test image 0, eps 0.1, untargeted, worst
 * margin objective; symbolic bounds): solved cold, and re-solved warm after fixing one phase
 * indicator (what a branch-and-bound child costs when it reuses its parent's basis). Also the cost of
 * building the encoding itself.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RelaxationLp -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class RelaxationLpBenchmark {
    private MnistQuery q;
    private NetworkBounds bounds;
    private OutputCondition unsafe;
    private MilpEncoding encoding;
    private OjAlgoLpSolver warm;
    private PhaseIndicator branched;
    private boolean toggle;

    @Setup(Level.Trial)
    public void setUp() {
        q = new MnistQuery("mnist-wk17a", 0, 0.1);
        bounds = new SymbolicPropagator().propagate(q.chain, q.box.lower(), q.box.upper());
        unsafe = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(q.label, 10), 10, 0.0);
        encoding = encode();
        if (encoding.indicators().isEmpty()) {
            throw new IllegalStateException("no unstable ReLU: nothing to branch on");
        }
        branched = encoding.indicators().get(encoding.indicators().size() / 2);
        warm = new OjAlgoLpSolver(encoding.model());
        LpResult r = warm.solve();
        if (!r.isOptimal()) {
            throw new IllegalStateException("relaxation not optimal: " + r);
        }
    }

    private MilpEncoding encode() {
        return MilpEncoder.encode(q.chain, q.box.lower(), q.box.upper(), bounds, unsafe, EncodingObjective.WORST, null);
    }

    @Benchmark
    public MilpEncoding buildEncoding() {
        return encode();
    }

    @Benchmark
    public double coldSolve() {
        return new OjAlgoLpSolver(encoding.model()).solve().objectiveValue();
    }

    /** Alternately fixes one indicator to 0 and releases it, re-solving warm each time. */
    @Benchmark
    public double warmResolveAfterBoundChange() {
        toggle = !toggle;
        warm.setVariableBounds(branched.variable(), 0.0, toggle ? 0.0 : 1.0);
        return warm.solve().objectiveValue();
    }
}
