package org.certus.bnb;

import java.util.function.BooleanSupplier;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.InputConstraints;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.ReluChain;

/**
 * What every part of one search shares and never changes: the query, its options, the lowered network,
 * the objective rows, the bounding engines and whether the search splits the input box. The lowered network
 * changes once or twice before the workers start, to a chain whose float32 error model knows which ReLU outputs
 * the root proved to be 0 ({@link #knowZeroInputs}).
 */
final class SearchProblem {
    final VerificationQuery query;
    final SearchOptions options;
    /** Read afresh by each bounding pass (written only before the workers start). */
    volatile ReluChain chain;
    final ObjectiveRows rows;
    final SymbolicPropagator propagator;
    final AlphaBetaOptimizer optimizer;
    final Float32Evaluation float32;
    /** Whether nodes split the input box (and, below a few unstable ReLUs, ReLUs: the mixed rule) rather than ReLUs. */
    final boolean inputSplit;

    /**
     * @param outOfTime polled inside bounding passes: bounding a node of a large network takes seconds
     * @throws org.certus.nn.LoweringStopped when the time limit passes (or the search is cancelled) before the network
     *                                       is lowered
     */
    SearchProblem(VerificationQuery query, SearchOptions options, BooleanSupplier outOfTime) {
        this.query = query;
        this.options = options;
        // Lowering a large graph per query takes seconds (TinyYOLO: a minute): it counts against the time limit.
        long loweringDeadline = Deadline.after(options.timeLimit());
        CancelToken cancel = options.cancel();
        this.chain = ReluChain.of(query.network(), query.inputLower(), query.inputUpper(),
                () -> cancel.isCancelled() || System.nanoTime() > loweringDeadline);
        // Only the outputs the property reads are back-substituted at the last layer.
        boolean[] outputsRead = new boolean[query.network().outputSize()];
        for (AffineMap d : query.disjuncts()) {
            for (int c : d.colIndex()) {
                outputsRead[c] = true;
            }
        }
        // Row-parallel bounds only when the caller allows several threads (Spark tasks ask for one).
        // Linear input constraints (e.g. a blur kernel's sum) tighten every concretisation to the input.
        this.propagator = new SymbolicPropagator(options.threads() > 1, query.ball(), options.arithmetic(),
                InputConstraints.of(query.inputConstraints())).withStop(outOfTime).withOutputRows(outputsRead);
        this.float32 = new Float32Evaluation(query.network());
        this.rows = new ObjectiveRows(query.disjuncts(), query.network().outputSize());
        // A norm-ball region is not a box: bisecting its bounding box would not shrink it, so split ReLUs.
        this.inputSplit = query.ball() == null && (options.splitMode() == SplitMode.INPUT
                || (options.splitMode() == SplitMode.AUTO && chain.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS));
        // A dense first layer reads the box: its neurons' hull planes are far tighter than the triangle. The later
        // layers' read the box through the active neurons before them (SubstitutedPlanes), at three times the α,β
        // steps: not where the search splits inputs, whose many cheap nodes they made dearer for few fewer nodes
        // (reach_prob_density's robot, three ReLU layers: 705,106 → 662,790 nodes, 245 → 318 s).
        this.optimizer = new AlphaBetaOptimizer(options.arithmetic(), outOfTime, AlphaBetaOptimizer.boxHullApplies(chain),
                options.substitutedPlanes() && !inputSplit && AlphaBetaOptimizer.substitutedPlanesApply(chain));
    }

    /**
     * Narrows the chain to the query's region, on which {@code root}'s bounds prove some ReLU outputs exactly 0
     * ({@link ReluChain#withZeroInputs}). In float32 their terms round nothing, so dense layers round less: on
     * mnist-wk17a (ε = 0.1) about half the 1,568 inputs of the dense layer are 0 at the root. In either arithmetic
     * the bounding passes leave their weights out of the lowered convolutions
     * ({@link ReluChain#withZeroInputWeightsDropped}), with the same numbers as a result.
     */
    void knowZeroInputs(NetworkBounds root) {
        if (root == null || root.reluLayerCount() != chain.reluLayerCount()) {
            return;
        }
        // The bounds cover the pre-activations (in float32, its evaluation's too): at most 0 there, a ReLU output is
        // exactly 0. Real arithmetic reads no error model.
        chain = chain.withZeroInputs(root.zeroReluOutputs()).withZeroInputWeightsDropped();
    }

    AffineMap objective() {
        return rows.objective();
    }
}
