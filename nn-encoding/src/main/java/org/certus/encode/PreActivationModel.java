package org.certus.encode;

import java.util.List;
import org.certus.milp.Model;

/**
 * The encoding of ReLU layers {@code 0 … m−1} (big-M; its LP relaxation is the triangle relaxation)
 * together with the pre-activations of chosen neurons of layer {@code m} as expressions over its
 * variables: what LP-based bound tightening optimises. The model has a zero objective.
 */
public record PreActivationModel(Model model, int layer, int[] rows, LinearExpression[] preActivations,
                                 List<PhaseIndicator> indicators) {
}
