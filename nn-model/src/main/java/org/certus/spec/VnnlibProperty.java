package org.certus.spec;

import java.util.List;
import java.util.Objects;

/**
 * A VNN-LIB property: a list of cases, each an input box with a condition on the outputs. The property is
 * <em>sat</em> (violated) iff some case has an input {@code x} in its box whose outputs satisfy its condition;
 * it holds (<em>unsat</em>) iff no case has one. All cases share the input and output counts.
 */
public record VnnlibProperty(List<Case> cases) {

    /** One input box and the unsafe output condition that applies inside it. */
    public record Case(InputBox box, OutputCondition condition) {
        public Case {
            Objects.requireNonNull(box, "box");
            Objects.requireNonNull(condition, "condition");
        }
    }

    public VnnlibProperty {
        Objects.requireNonNull(cases, "cases");
        cases = List.copyOf(cases);
        if (cases.isEmpty()) {
            throw new SpecException("a property needs at least one case");
        }
        Case first = cases.get(0);
        for (int i = 1; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (c.box().dimension() != first.box().dimension()) {
                throw new SpecException("case " + i + " has " + c.box().dimension() + " inputs, case 0 has "
                        + first.box().dimension());
            }
            if (c.condition().outputCount() != first.condition().outputCount()) {
                throw new SpecException("case " + i + " is over " + c.condition().outputCount()
                        + " outputs, case 0 over " + first.condition().outputCount());
            }
        }
    }

    public int inputCount() {
        return cases.get(0).box().dimension();
    }

    public int outputCount() {
        return cases.get(0).condition().outputCount();
    }

    /**
     * Whether {@code (x, y)} witnesses a violation: some case's box contains {@code x} within
     * {@code inputTolerance} and its condition holds for {@code y} within {@code outputTolerance}.
     * {@code y} must be the network's outputs at {@code x}; checking that is the caller's forward pass.
     */
    public boolean isCounterexample(double[] x, double[] y, double inputTolerance, double outputTolerance) {
        for (Case c : cases) {
            if (c.box().contains(x, inputTolerance) && c.condition().isSatisfiedBy(y, outputTolerance)) {
                return true;
            }
        }
        return false;
    }
}
