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
        Branching pick = WidestBrancher.highest(problem, node, true);
        return pick.kind() == Branching.Kind.RELU ? pick : WidestBrancher.widest(problem, node);
    }
}
