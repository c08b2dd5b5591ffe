package org.certus.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.certus.milp.Model;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link ReluGapBranching} on a network small enough to work its weights and choices out by hand:
 * x₁, x₂ ∈ [0, 1]; layer 0: p = relu(x₁ + x₂ − 1) (unstable), q = relu(x₁) (stable active, substituted), r =
 * relu(x₂ − 0.5) (unstable); layer 1: z = 2p − q + 0.5r − 0.45, i.e. z = 2p − x₁ + 0.5r − 0.45 over the model.
 */
class ReluGapBranchingTest {
    private static final double[][] LOWER = {{-1, 0, -0.5}, {-2}};
    private static final double[][] UPPER = {{1, 1, 0.5}, {2}};

    private static PreActivationModel model() {
        Network net = new Network("gap-example", Shape.flat(2), InputDomain.uniform(2, 0, 1), List.of(
                new Dense(2, 3, new double[] {1, 1, 1, 0, 0, 1}, new double[] {-1, 0, -0.5}), new Relu(),
                new Dense(3, 1, new double[] {2, -1, 0.5}, new double[] {-0.45}), new Relu(),
                new Dense(1, 1, new double[] {1}, new double[] {0})));
        ReluChain chain = ReluChain.of(net);
        return MilpEncoder.preActivations(chain, new double[] {0, 0}, new double[] {1, 1}, LOWER, UPPER, 1, new int[] {0});
    }

    private static EncodedRelu relu(PreActivationModel pm, int neuron) {
        return pm.unstableRelus().stream().filter(r -> r.neuron() == neuron).findFirst().orElseThrow();
    }

    @Test
    void weightsAreTheObjectiveCoefficientsPassedBackThroughThePreActivations() {
        PreActivationModel pm = model();
        Model m = pm.model();
        ReluGapBranching rule = new ReluGapBranching(pm.unstableRelus(), pm.preActivations()[0], m.numVariables());
        assertEquals(2, pm.unstableRelus().size());
        assertEquals(2.0, rule.weight(relu(pm, 0).activation()), 1e-12);
        assertEquals(0.5, rule.weight(relu(pm, 2).activation()), 1e-12);
        // x₁: 1 directly (through q), 2 through p. x₂: 2 through p, 0.5 through r.
        assertEquals(3.0, rule.weight(0), 1e-12);
        assertEquals(2.5, rule.weight(1), 1e-12);
    }

    @Test
    void choosesTheLargestWeightedGapAmongFreeIndicators() {
        PreActivationModel pm = model();
        Model m = pm.model();
        ReluGapBranching rule = new ReluGapBranching(pm.unstableRelus(), pm.preActivations()[0], m.numVariables());
        EncodedRelu p = relu(pm, 0);
        EncodedRelu r = relu(pm, 2);
        double[] lo = m.variableLowers();
        double[] hi = m.variableUppers();
        // x = (0, 1): p's pre-activation is 0, r's is 0.5.
        double[] x = new double[m.numVariables()];
        x[0] = 0;
        x[1] = 1;
        x[p.activation()] = 0.3; // gap 0.3, weight 2: 0.6
        x[r.activation()] = 1.0; // gap 0.5, weight 0.5: 0.25
        assertEquals(p.indicator(), rule.choose(x, lo, hi));
        x[p.activation()] = 0.1; // 0.2 < 0.25
        assertEquals(r.indicator(), rule.choose(x, lo, hi));
        // A fixed indicator is never chosen.
        lo[r.indicator()] = hi[r.indicator()] = 1;
        assertEquals(p.indicator(), rule.choose(x, lo, hi));
        // Where every free ReLU sits on its graph (h = max(0, z)) there is nothing to gain.
        x[p.activation()] = 0;
        assertEquals(-1, rule.choose(x, lo, hi));
    }
}
