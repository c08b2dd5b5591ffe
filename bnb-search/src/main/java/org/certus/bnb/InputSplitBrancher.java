package org.certus.bnb;

/**
 * Bisects the input box along the dimension with the highest sensitivity score (the node's
 * {@link SearchNode#inputScores}: the input coefficients of its open rows times the box width, plus the
 * relaxation gaps they drive), or the widest one relative to the root box when no score is positive. Very
 * effective on low-dimensional inputs such as ACAS Xu (5 inputs), where small boxes quickly make every ReLU
 * stable. A box narrower than {@link #MIN_INPUT_SPLIT_FRACTION} of the root's in that dimension is a leaf.
 */
final class InputSplitBrancher implements Brancher {
    /** Input boxes narrower than this (relative to the root box) are not split further. */
    static final double MIN_INPUT_SPLIT_FRACTION = 1e-9;

    private final SearchProblem problem;

    InputSplitBrancher(SearchProblem problem) {
        this.problem = problem;
    }

    @Override
    public Branching choose(SearchNode node) {
        int dim = chooseDimension(node);
        if (dim < 0) {
            return Branching.LEAF;
        }
        double width = node.hi[dim] - node.lo[dim];
        double rootWidth = problem.query.inputUpper()[dim] - problem.query.inputLower()[dim];
        if (width <= MIN_INPUT_SPLIT_FRACTION * Math.max(rootWidth, 1e-300)) {
            return Branching.LEAF;
        }
        return Branching.input(dim);
    }

    private int chooseDimension(SearchNode node) {
        int best = -1;
        double bestScore = -1;
        for (int i = 0; i < node.inputScores.length; i++) {
            double s = node.inputScores[i];
            if (node.hi[i] > node.lo[i] && s > bestScore) {
                bestScore = s;
                best = i;
            }
        }
        if (bestScore <= 0) {
            // No sensitivity information: split the widest dimension relative to the root box.
            double w = -1;
            double[] rootLo = problem.query.inputLower();
            double[] rootHi = problem.query.inputUpper();
            for (int i = 0; i < node.lo.length; i++) {
                double rel = (node.hi[i] - node.lo[i]) / Math.max(1e-300, rootHi[i] - rootLo[i]);
                if (node.hi[i] > node.lo[i] && rel > w) {
                    w = rel;
                    best = i;
                }
            }
        }
        return best;
    }
}
