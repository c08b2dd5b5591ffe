package org.certus.spec;

import java.util.List;
import java.util.Objects;

/**
 * A condition on the network outputs in disjunctive normal form: some disjunct (a {@link Conjunction})
 * holds. It describes the <em>unsafe</em> set: outputs satisfying it make their input a counterexample.
 *
 * <p>At least one disjunct is required: the empty disjunction is {@code false}, an unsafe set that is
 * always empty, which no real specification states and which usually means a construction bug.
 */
public record OutputCondition(int outputCount, List<Conjunction> disjuncts) {

    public OutputCondition {
        Objects.requireNonNull(disjuncts, "disjuncts");
        disjuncts = List.copyOf(disjuncts);
        if (disjuncts.isEmpty()) {
            throw new SpecException("an output condition needs at least one disjunct");
        }
        for (int i = 0; i < disjuncts.size(); i++) {
            int n = disjuncts.get(i).outputCount();
            if (n != outputCount) {
                throw new SpecException("disjunct " + i + " is over " + n + " outputs, expected " + outputCount);
            }
        }
    }

    /** Output count taken from the (non-empty list of) disjuncts. */
    public OutputCondition(List<Conjunction> disjuncts) {
        this(firstOutputCount(disjuncts), disjuncts);
    }

    private static int firstOutputCount(List<Conjunction> disjuncts) {
        Objects.requireNonNull(disjuncts, "disjuncts");
        if (disjuncts.isEmpty()) {
            throw new SpecException("an output condition needs at least one disjunct");
        }
        return disjuncts.get(0).outputCount();
    }

    /** Whether some disjunct holds within {@code tolerance}. */
    public boolean isSatisfiedBy(double[] y, double tolerance) {
        LinearConstraint.checkTolerance(tolerance);
        Conjunction.checkOutputs(y, outputCount);
        for (Conjunction c : disjuncts) {
            if (c.isSatisfiedBy(y, tolerance)) {
                return true;
            }
        }
        return false;
    }
}
