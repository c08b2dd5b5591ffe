package org.certus.encode;

import java.util.Arrays;
import java.util.List;
import org.certus.milp.Model;

/**
 * The encoding of ReLU layers {@code 0 … m−1} (big-M; its LP relaxation is the triangle relaxation)
 * together with the pre-activations of chosen neurons of layer {@code m} as expressions over its
 * variables: what LP- and MIP-based bound tightening optimise. The model has a zero objective; its variables
 * {@code 0 … n−1} are the network's n inputs, in order, so a solution's first n values are an input.
 *
 * @param evaluationErrors per returned pre-activation, a bound on how far its floating-point evaluation
 *                         can be from the expression (all 0 for real arithmetic); add it to any bound
 * @param unstableRelus    the encoded unstable ReLUs (one per indicator, same order), for cutting planes
 */
public record PreActivationModel(Model model, int layer, int[] rows, LinearExpression[] preActivations,
                                 List<PhaseIndicator> indicators, double[] evaluationErrors,
                                 List<EncodedRelu> unstableRelus) {
    @Override
    public String toString() {
        return "PreActivationModel[model=" + model + ", layer=" + layer + ", rows=" + Arrays.toString(rows) + ", preActivations="
                + Arrays.toString(preActivations) + ", indicators=" + indicators + ", evaluationErrors=" + Arrays.toString(evaluationErrors)
                + ", unstableRelus=" + unstableRelus + "]";
    }
}
