package org.certus.encode;

/**
 * An unstable ReLU as an encoding holds it: its activation variable {@code h}, its phase indicator
 * {@code a} and its pre-activation {@code z} as an expression over the model's variables, so that
 * cutting planes can be derived for it ({@link IdealReluCuts}).
 *
 * @param activation      index of {@code h}
 * @param indicator       index of {@code a}
 * @param preActivation   {@code z} over the model's variables
 * @param evaluationError bound on |evaluated z − z| the big-M rows were widened by (0 in real arithmetic)
 */
public record EncodedRelu(int layer, int neuron, int activation, int indicator, LinearExpression preActivation,
                          double evaluationError) {
}
