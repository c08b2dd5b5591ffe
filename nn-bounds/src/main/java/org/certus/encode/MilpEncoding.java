package org.certus.encode;

import java.util.Arrays;
import java.util.List;
import org.certus.milp.LpSolver;
import org.certus.milp.Model;
import org.certus.milp.OjAlgoLpSolver;

/**
 * A network query encoded as a mixed-binary program by {@link MilpEncoder}, with the indices a
 * branch-and-bound or a report needs to read it back.
 *
 * @param model            the MILP
 * @param inputVariables   variable index of each network input
 * @param outputs          each network output as an expression over the model's variables
 * @param indicators       one per unstable ReLU, in layer-then-neuron order
 * @param disjunctVariables one binary per kept disjunct of the output condition (empty when at most one is kept)
 * @param keptDisjuncts    indices into the condition's disjuncts that survived bound-based elimination
 * @param objectiveVariable {@code t} for {@link EncodingObjective#CLOSEST}, the margin {@code s} for
 *                         {@link EncodingObjective#WORST}, {@code -1} for feasibility
 * @param triviallyInfeasible true when the bounds alone rule out every disjunct (the model is then an
 *                         explicitly infeasible one)
 */
public record MilpEncoding(Model model, EncodingObjective objective, int[] inputVariables, LinearExpression[] outputs,
                           List<PhaseIndicator> indicators, int[] disjunctVariables, int[] keptDisjuncts,
                           int objectiveVariable, boolean triviallyInfeasible) {

    /** A fresh LP relaxation (binaries relaxed to [0, 1]); one per thread. */
    public LpSolver relaxation() {
        return new OjAlgoLpSolver(model);
    }

    /** The input part of a full assignment of the model's variables. */
    public double[] inputOf(double[] solution) {
        double[] x = new double[inputVariables.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = solution[inputVariables[i]];
        }
        return x;
    }

    @Override
    public String toString() {
        return "MilpEncoding[model=" + model + ", objective=" + objective + ", inputVariables=" + Arrays.toString(inputVariables)
                + ", outputs=" + Arrays.toString(outputs) + ", indicators=" + indicators + ", disjunctVariables="
                + Arrays.toString(disjunctVariables) + ", keptDisjuncts=" + Arrays.toString(keptDisjuncts) + ", objectiveVariable="
                + objectiveVariable + ", triviallyInfeasible=" + triviallyInfeasible + "]";
    }
}
