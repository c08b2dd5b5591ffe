package org.certus.nn;

import java.util.List;

/**
 * One operation of a {@link Network}'s graph. Each operation type owns every rule the verifier needs
 * of it, here in one class (auto_LiRPA's layout): its exact forward pass, its float32 evaluation and
 * the bound on that evaluation's own rounding, its interval rule, and its lowering into the verifier's
 * normal form ({@link ReluChain}). The lowering is where an operation's linear relaxation, its MILP
 * encoding and what a complete search can split on come from: the normal form has two primitives,
 * affine maps and ReLUs, whose relaxations (CROWN's triangle with an optimisable lower slope α, a
 * Lagrange multiplier β per split), MILP encoding (one binary per unstable ReLU) and split (a ReLU's
 * phase) the engine implements once. An affine operation lowers to an affine map (exact, never
 * relaxed); ReLU to ReLU; MaxPool to a balanced tree of ReLUs, {@code max(a, b) = b + relu(a − b)}, so
 * that fixing every ReLU of a window's tree settles which input wins.
 *
 * <p>Inputs are given in the order of the node's input list; shapes are the shapes of those inputs
 * (without the batch dimension). Implementations are immutable and thread-safe.
 *
 * <p>Adding an operation: one class implementing this interface (usually through {@link UnaryOperation}
 * or {@link AffineOperation}), its import in the ONNX converter, and an entry in the operation property
 * test, which checks its rules against each other on random inputs.
 */
public interface Operation {
    /** {@link #arity()} of an operation that takes any positive number of inputs (Concat). */
    int VARIADIC = -1;

    /** How many inputs the operation takes, or {@link #VARIADIC}. */
    default int arity() {
        return 1;
    }

    /** The output shape for these input shapes; throws {@link NetworkException} when they do not fit. */
    Shape outputShape(List<Shape> inputs);

    /** The output shape for one input (operations with one input). */
    default Shape outputShape(Shape input) {
        return outputShape(List.of(input));
    }

    /** The exact forward pass in double precision; {@code out} has {@code outputShape(inputs).size()} values. */
    void forward(List<Shape> inputs, double[][] in, double[] out);

    /**
     * The forward pass as an ONNX runtime evaluates it in float32 (every product and sum rounded to
     * float; weights cast to float, which is exact for ONNX's float32 weights).
     */
    void forwardFloat32(List<Shape> inputs, float[][] in, float[] out);

    /**
     * Sound interval bounds of the output over the boxes {@code [lo[k], hi[k]]} of the inputs, rounded
     * outward so that they contain the real-arithmetic values.
     */
    void interval(List<Shape> inputs, double[][] lo, double[][] hi, double[] outLo, double[] outHi);

    /**
     * Per output, a bound on this operation's own float32 rounding: {@code |fl32(op(x)) − op(x)|} for
     * float inputs with {@code |x_i| <= maxAbs[k][i]}. All zeros for operations that only move or compare
     * values (exact in any arithmetic).
     */
    double[] float32Error(List<Shape> inputs, double[][] maxAbs);

    /**
     * Per output, a bound on {@code |op(x + δ) − op(x)|} given {@code |δ_i| <= inError[k][i]}: how errors
     * already in the inputs pass through (for affine maps {@code |A|·δ}; ReLU and max are 1-Lipschitz
     * per element).
     */
    double[] propagateError(List<Shape> inputs, double[][] inError);

    /** Expresses this operation in the verifier's normal form (see the class comment). */
    Lowering.Value lower(Lowering lowering, List<Shape> inputs, List<Lowering.Value> in);

    /** Number of trainable parameters (weights and biases). */
    default long parameterCount() {
        return 0;
    }

    /** Short human-readable description, e.g. {@code Conv2d(1->16, 4x4, stride 2, pad 1)}. */
    String describe();
}
