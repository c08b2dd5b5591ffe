package org.certus.bench.milp;

import java.util.concurrent.TimeUnit;

import org.certus.milp.LpResult;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
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
 * Cold solve vs warm re-solve after one bound change, on a ReLU-network-shaped LP
 * (input 784, hidden 250-250, output 10; ~20% unstable hidden units), with ojAlgo's sparse and dense
 * stores, plus the cost of an objective change (which rebuilds: ojAlgo cannot change costs in place).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LpResolve -f 1 -wi 2 -i 3 -w 4s -r 5s}.
 * Measured (2 cores, medians, ms/op): coldSolve sparse 2433 / dense 3452; warmResolveAfterBoundChange
 * sparse 105 / dense 205; objectiveChangeAndSolve sparse 2605 / dense 2252 (it is a rebuild, so a cold
 * solve). Hence sparse is the default store and bound changes, not objective changes, are the fast path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class LpResolveBenchmark {

    @Param({"true", "false"})
    public boolean sparse;

    private ReluLpShape shape;
    private OjAlgoLpSolver warm;
    private boolean toggle;

    @Setup(Level.Trial)
    public void setUp() {
        shape = new ReluLpShape(42, new int[] {784, 250, 250, 10}, 0.02, 0.2);
        warm = new OjAlgoLpSolver(shape.model, sparse);
        LpResult r = warm.solve();
        if (!r.isOptimal()) {
            throw new IllegalStateException("benchmark LP not optimal: " + r + " " + shape.model);
        }
    }

    /** Build and solve from scratch. */
    @Benchmark
    public double coldSolve() {
        return new OjAlgoLpSolver(shape.model, sparse).solve().objectiveValue();
    }

    /** Branching-style change (fix an unstable unit's output to a half of its range) and warm re-solve. */
    @Benchmark
    public double warmResolveAfterBoundChange() {
        toggle = !toggle;
        double mid = 0.5 * (shape.someUnstableLo + shape.someUnstableHi);
        if (toggle) {
            warm.setVariableBounds(shape.someUnstableOutput, shape.someUnstableLo, mid);
        } else {
            warm.setVariableBounds(shape.someUnstableOutput, mid, shape.someUnstableHi);
        }
        return warm.solve().objectiveValue();
    }

    /** Bound-tightening style: a new objective (maximise one unit) on the existing solver, then solve. */
    @Benchmark
    public double objectiveChangeAndSolve() {
        toggle = !toggle;
        warm.setObjective(new int[] {shape.someUnstableOutput}, new double[] {1}, toggle ? Sense.MAXIMIZE : Sense.MINIMIZE);
        return warm.solve().objectiveValue();
    }
}
