package org.certus.bnb;

/**
 * BaBSR-style ({@link BrancherKind#BABSR}): the free unstable ReLU whose relaxation opens the largest gap in the
 * node's output bound, {@code |λ|·u·(−l)/(u−l)} with λ its coefficient in the back-substituted bound (the node's
 * {@link SearchNode#reluScores}); the widest one when no score is positive.
 */
final class BabsrBrancher implements Brancher {
    private final SearchProblem problem;

    BabsrBrancher(SearchProblem problem) {
        this.problem = problem;
    }

    @Override
    public Branching choose(SearchNode node) {
        int bestL = -1, bestN = -1;
        double bestScore = -1;
        for (int i = 0; i < problem.chain.reluLayerCount(); i++) {
            double[] l = node.bounds.lower(i), u = node.bounds.upper(i);
            for (int j = 0; j < l.length; j++) {
                if (!(l[j] < 0 && u[j] > 0) || node.splits.raw(i, j) != 0) {
                    continue;
                }
                double score = node.reluScores[i][j];
                if (score > 0 && score > bestScore) {
                    bestScore = score;
                    bestL = i;
                    bestN = j;
                }
            }
        }
        return bestL >= 0 ? Branching.relu(bestL, bestN) : WidestBrancher.widest(problem, node);
    }
}
