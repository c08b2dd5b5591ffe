package org.certus.milp;

/**
 * Chooses the binary a {@link BinaryBranchAndBound} node branches on, from the node's LP solution. The
 * default (no rule) is the most fractional binary; a rule that knows what the binaries encode can do far
 * better (a ReLU's phase indicator matters by how much the relaxation cheats on that ReLU, not by how
 * fractional the indicator is).
 */
@FunctionalInterface
public interface BranchingRule {
    /**
     * @param primal the node's LP solution (every variable of the model)
     * @param lo     the node's variable lower bounds (a binary is free when {@code lo[j] < hi[j]})
     * @param hi     the node's variable upper bounds
     * @return a free binary variable's index, or −1 when no branching can improve this node's bound: the rule
     *         knows the node's LP optimum is attained by a solution of the MILP (up to its own tolerance), though
     *         the binaries are fractional. The node is then closed on its certified bound, which stays part of the
     *         search's proven bound (so the bound is valid whatever the rule says), without an incumbent.
     */
    int choose(double[] primal, double[] lo, double[] hi);
}
