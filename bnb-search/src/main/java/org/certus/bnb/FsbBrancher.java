package org.certus.bnb;

import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluPhase;
import org.certus.bounds.ReluSplits;
import org.certus.nn.AffineMap;

/**
 * Filtered smart branching ({@link BrancherKind#FSB}; De Palma et al. 2021, as in α,β-CROWN's {@code fsb}): the
 * {@link #FSB_CANDIDATES} free unstable ReLUs with the highest BaBSR scores, each child bounded by one CROWN pass
 * over the node's intermediate bounds with the phase fixed (no intermediate recomputation: cheap, and only a
 * ranking); the candidate whose worse child is best wins. BaBSR's choice when fewer than two have a positive score.
 */
final class FsbBrancher implements Brancher {
    /**
     * How many of the best BaBSR candidates are bounded before choosing. Measured on mnist-wk17a ε = 0.1 (samples
     * 326 and 443, which BaBSR could not settle in 120 s): 3 and 6 barely beat BaBSR, 12 halved the gap, 24 and 48
     * verify both in 15–25 nodes (about 5 s); on mnist-rsl18a 24 was as good as any.
     */
    static final int FSB_CANDIDATES = 24;
    /**
     * At most this many of a node's optimised rows are re-estimated per candidate (the lowest): on mnist-wk17a all
     * nine made samples 326 and 443 take 2.8 s instead of about 1 s for the same ~25 nodes.
     */
    static final int FSB_WARM_ROWS = 3;

    private final SearchProblem problem;
    private final BabsrBrancher babsr;

    FsbBrancher(SearchProblem problem) {
        this.problem = problem;
        this.babsr = new BabsrBrancher(problem);
    }

    @Override
    public Branching choose(SearchNode node) {
        Branching pick = chooseFsb(node);
        return pick != null ? pick : babsr.choose(node);
    }

    private Branching chooseFsb(SearchNode node) {
        int k = problem.chain.reluLayerCount();
        int[] candL = new int[FSB_CANDIDATES];
        int[] candN = new int[FSB_CANDIDATES];
        double[] candS = new double[FSB_CANDIDATES];
        java.util.Arrays.fill(candS, -1);
        int found = 0;
        for (int i = 0; i < k; i++) {
            double[] l = node.bounds.lower(i), u = node.bounds.upper(i);
            for (int j = 0; j < l.length; j++) {
                if (!(l[j] < 0 && u[j] > 0) || node.splits.raw(i, j) != 0) {
                    continue;
                }
                double score = node.reluScores[i][j];
                if (score <= 0) {
                    continue;
                }
                // Insertion into the small sorted candidate list (descending score).
                int pos = Math.min(found, FSB_CANDIDATES - 1);
                if (found == FSB_CANDIDATES && score <= candS[pos]) {
                    continue;
                }
                while (pos > 0 && candS[pos - 1] < score) {
                    candL[pos] = candL[pos - 1];
                    candN[pos] = candN[pos - 1];
                    candS[pos] = candS[pos - 1];
                    pos--;
                }
                candL[pos] = i;
                candN[pos] = j;
                candS[pos] = score;
                found = Math.min(found + 1, FSB_CANDIDATES);
            }
        }
        if (found <= 1) {
            return found == 1 ? Branching.relu(candL[0], candN[0]) : null;
        }
        ObjectiveRows objectiveRows = problem.rows;
        int[] rows = objectiveRows.openRows(node.openDisjuncts);
        if (rows.length == 0) {
            return Branching.relu(candL[0], candN[0]);
        }
        AffineMap objective = problem.objective();
        AffineMap open = objective.selectRows(rows);
        // Rows the node optimised are estimated with its α,β (β = 0 for the candidate): plain CROWN
        // ignores the split constraints deeper in the tree, and ranked candidates by a bound far below
        // the one the node will get (measured on mnist_fc 256x2 prop_10_0.05: no proof in 40 s with
        // CROWN estimates, where BaBSR alone needed 2,693 nodes).
        // Only the FSB_WARM_ROWS optimised rows with the lowest bounds are re-estimated (the others keep
        // the node's bound): one back-substitution per row, candidate and phase is costly on conv nets.
        boolean[] estimate = new boolean[rows.length];
        boolean warm = false;
        for (int picked = 0; picked < FSB_WARM_ROWS; picked++) {
            int low = -1;
            for (int t = 0; t < rows.length; t++) {
                if (!estimate[t] && node.starts[rows[t]] != null && (low < 0 || node.rowLower[rows[t]] < node.rowLower[rows[low]])) {
                    low = t;
                }
            }
            if (low < 0) {
                break;
            }
            estimate[low] = true;
            warm = true;
        }
        // Each estimated row's pass through the node, recorded: a child goes on from its split's layer.
        AlphaBetaOptimizer.SplitEstimates[] estimates = new AlphaBetaOptimizer.SplitEstimates[rows.length];
        for (int t = 0; t < rows.length && warm; t++) {
            if (estimate[t]) {
                estimates[t] = problem.optimizer.splitEstimates(problem.chain, node.bounds, node.splits, node.lo, node.hi, objective,
                        rows[t], node.starts[rows[t]]);
            }
        }
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < found; c++) {
            double worse = Double.POSITIVE_INFINITY;
            for (ReluPhase phase : new ReluPhase[] {ReluPhase.ACTIVE, ReluPhase.INACTIVE}) {
                NetworkBounds child = node.bounds.withSplit(candL[c], candN[c], phase);
                if (child.infeasible()) {
                    continue; // an empty child costs nothing: the other one decides the value
                }
                double[] lower;
                if (warm) {
                    ReluSplits childSplits = node.splits.with(candL[c], candN[c], phase);
                    lower = new double[rows.length];
                    for (int t = 0; t < rows.length; t++) {
                        int r = rows[t];
                        lower[t] = !estimate[t] ? node.rowLower[r] : estimates[t].bound(candL[c], candN[c], child, childSplits);
                    }
                } else {
                    lower = problem.propagator.minimize(problem.chain, child, node.lo, node.hi, open, null).lower();
                }
                worse = Math.min(worse, objectiveRows.value(node.openDisjuncts, lower));
            }
            if (worse > bestValue) {
                bestValue = worse;
                best = c;
            }
        }
        return Branching.relu(candL[best], candN[best]);
    }
}
