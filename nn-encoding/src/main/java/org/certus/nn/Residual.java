package org.certus.nn;

import java.util.List;

/**
 * A residual block: the elementwise sum of two branches applied to the same input. An empty
 * branch is the identity (the usual skip connection).
 */
public record Residual(List<Layer> branchA, List<Layer> branchB) implements Layer {

    public Residual {
        branchA = List.copyOf(branchA);
        branchB = List.copyOf(branchB);
    }

    @Override
    public Shape outputShape(Shape input) {
        Shape a = Network.shapeAfter(input, branchA);
        Shape b = Network.shapeAfter(input, branchB);
        if (!a.equals(b)) {
            throw new NetworkException("residual branches disagree in shape: " + a + " vs " + b);
        }
        return a;
    }

    @Override
    public void forward(Shape input, double[] in, double[] out) {
        double[] a = Network.run(input, branchA, in);
        double[] b = Network.run(input, branchB, in);
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] + b[i];
        }
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Layer l : branchA) {
            n += l.parameterCount();
        }
        for (Layer l : branchB) {
            n += l.parameterCount();
        }
        return n;
    }

    @Override
    public String describe() {
        return "Residual(" + branchA.size() + " layers + " + (branchB.isEmpty() ? "identity" : branchB.size() + " layers") + ")";
    }
}
