package org.certus.bnb;

/** The free unstable ReLU with the widest pre-activation interval ({@link BrancherKind#WIDEST}). */
final class WidestBrancher implements Brancher {
    private final SearchProblem problem;

    WidestBrancher(SearchProblem problem) {
        this.problem = problem;
    }

    @Override
    public Branching choose(SearchNode node) {
        return widest(problem, node);
    }

    /** The widest free unstable ReLU of {@code node}, or a leaf when none is left (also BaBSR's fallback). */
    static Branching widest(SearchProblem problem, SearchNode node) {
        return highest(problem, node, false);
    }

    /**
     * The free unstable ReLU (not split on this branch) with the highest score, the first one on ties, or a leaf
     * when none qualifies: the score is the node's BaBSR score when {@code babsr} (only positive ones qualify),
     * else the width {@code u − l} of the pre-activation interval.
     */
    static Branching highest(SearchProblem problem, SearchNode node, boolean babsr) {
        int bestL = -1, bestN = -1;
        double bestScore = -1;
        for (int i = 0; i < problem.chain.reluLayerCount(); i++) {
            double[] l = node.bounds.lower(i), u = node.bounds.upper(i);
            for (int j = 0; j < l.length; j++) {
                if (!(l[j] < 0 && u[j] > 0) || node.splits.raw(i, j) != 0) {
                    continue;
                }
                double score = babsr ? node.reluScores[i][j] : u[j] - l[j];
                if ((!babsr || score > 0) && score > bestScore) {
                    bestScore = score;
                    bestL = i;
                    bestN = j;
                }
            }
        }
        return bestL < 0 ? Branching.LEAF : Branching.relu(bestL, bestN);
    }
}
