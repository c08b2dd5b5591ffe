package org.certus.bnb;

/**
 * A branching rule (Choco's variable selector, Timefold's move selector): where to split a node. A rule only
 * chooses; soundness and completeness never depend on the choice, which is why every rule must agree with
 * brute force on small networks ({@code BruteForceAgreementTest} runs every {@link BrancherKind}). A new
 * ReLU rule is one class implementing this and one {@link BrancherKind} constant naming its constructor.
 */
interface Brancher {
    /**
     * The split of {@code node}.
     *
     * @return a ReLU or input split, or a leaf when nothing is left to split
     */
    Branching choose(SearchNode node);

    /**
     * The rule a search uses: {@link SearchOptions#brancher()}'s ReLU rule, or when the search splits the input
     * box, {@link InputSplitBrancher} falling back to that ReLU rule on nodes with at most
     * {@code mixedMaxUnstable} unstable ReLUs ({@link MixedBrancher}; −1: never).
     */
    static Brancher of(SearchProblem problem, int mixedMaxUnstable) {
        Brancher relu = problem.options.brancher().create(problem);
        if (!problem.inputSplit) {
            return relu;
        }
        InputSplitBrancher input = new InputSplitBrancher(problem);
        return mixedMaxUnstable < 0 ? input : new MixedBrancher(relu, input, mixedMaxUnstable);
    }
}
