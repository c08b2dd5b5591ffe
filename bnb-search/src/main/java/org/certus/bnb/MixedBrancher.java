package org.certus.bnb;

/**
 * Input splitting that splits a ReLU instead on nodes with few unstable ReLUs (at most {@code maxUnstable}),
 * falling back to the input when none is left to split. Where the margin is tiny over a large region (ACAS Xu
 * prop_2, networks 3_3 and 4_2: thousands of open boxes at −0.004…0, each with 5–25 unstable ReLUs) bisecting
 * the input only shrinks the relaxation gap slowly, while fixing those few ReLUs removes it.
 */
final class MixedBrancher implements Brancher {
    /**
     * The default {@code maxUnstable}: 16 settled ACAS Xu 3_3 prop_2 within the limit; 8 did not, and 28 or 50
     * spent the time on ReLU splits of larger boxes (measured on the loaded 2-core machine).
     */
    static final int MIXED_MAX_UNSTABLE = 16;

    private final Brancher relu;
    private final Brancher input;
    private final int maxUnstable;

    MixedBrancher(Brancher relu, Brancher input, int maxUnstable) {
        this.relu = relu;
        this.input = input;
        this.maxUnstable = maxUnstable;
    }

    @Override
    public Branching choose(SearchNode node) {
        if (node.bounds.unstableCount() > maxUnstable) {
            return input.choose(node);
        }
        Branching pick = relu.choose(node);
        return pick.kind() == Branching.Kind.RELU ? pick : input.choose(node).afterReluSplitsExhausted();
    }
}
