package org.certus.spec;

import java.util.List;
import java.util.Objects;

/**
 * A conjunction of linear constraints over {@code outputCount} outputs. The empty conjunction is
 * {@code true}; it needs the explicit {@code outputCount} constructor because there is no constraint to
 * read the count from.
 */
public record Conjunction(int outputCount, List<LinearConstraint> constraints) {

    public Conjunction {
        Objects.requireNonNull(constraints, "constraints");
        if (outputCount <= 0) {
            throw new SpecException("output count must be positive, got " + outputCount);
        }
        constraints = List.copyOf(constraints);
        for (int i = 0; i < constraints.size(); i++) {
            int n = constraints.get(i).outputCount();
            if (n != outputCount) {
                throw new SpecException("constraint " + i + " of a conjunction is over " + n
                        + " outputs, expected " + outputCount);
            }
        }
    }

    /** A non-empty conjunction; the output count is taken from the constraints. */
    public Conjunction(List<LinearConstraint> constraints) {
        this(firstOutputCount(constraints), constraints);
    }

    private static int firstOutputCount(List<LinearConstraint> constraints) {
        Objects.requireNonNull(constraints, "constraints");
        if (constraints.isEmpty()) {
            throw new SpecException("an empty conjunction needs an explicit output count");
        }
        return constraints.get(0).outputCount();
    }

    /** Whether every constraint holds within {@code tolerance}. */
    public boolean isSatisfiedBy(double[] y, double tolerance) {
        LinearConstraint.checkTolerance(tolerance);
        checkOutputs(y, outputCount);
        for (LinearConstraint c : constraints) {
            if (!c.isSatisfiedBy(y, tolerance)) {
                return false;
            }
        }
        return true;
    }

    static void checkOutputs(double[] y, int outputCount) {
        Objects.requireNonNull(y, "y");
        if (y.length != outputCount) {
            throw new IllegalArgumentException("expected " + outputCount + " outputs, got " + y.length);
        }
    }
}
