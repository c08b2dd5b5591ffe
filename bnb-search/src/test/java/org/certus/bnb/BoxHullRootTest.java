package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.certus.bounds.AlphaBetaOptimizer;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mnist-rsl18a (784 → 500 ReLUs → 10), sample 7 (label 9) at ε = 0.1, label 9 against 0, sound mode: the root's
 * α,β bound with the triangle stays negative (about −0.15, after 40 steps), with box-hull planes it is positive —
 * the pair is proved without a split. An independent LP (HiGHS, with Anderson et al.'s cuts added in rounds) gives
 * −0.18 without cuts and +0.03 after two rounds, +0.11 after fifteen. And the engine's own policy turns planes on
 * for this network (dense first layer).
 */
class BoxHullRootTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void planesProveWhatTheTriangleCannotAtTheRoot() {
        ReluChain chain = ReluChain.of(NetworkLoader.load("mnist-rsl18a"));
        double[] x = Datasets.load("mnist").image(7);
        double[] lo = new double[x.length], hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = Math.max(0, x[i] - 0.1);
            hi[i] = Math.min(1, x[i] + 0.1);
        }
        double[] w = new double[10];
        w[9] = 1;
        w[0] = -1;
        AffineMap margin = AffineMap.fromDense(1, 10, w, new double[] {0});
        ArithmeticModel model = ArithmeticModel.FLOAT32;
        NetworkBounds root = new SymbolicPropagator(false, null, model).propagate(chain, lo, hi);
        ReluSplits none = ReluSplits.none(new int[] {chain.width(0)});
        double triangle = new AlphaBetaOptimizer(model).lowerBound(chain, root, none, lo, hi, margin, 0, 40).lower();
        double planes = new AlphaBetaOptimizer(model, () -> false, true).lowerBound(chain, root, none, lo, hi, margin, 0, 40)
                .lower();
        assertTrue(AlphaBetaOptimizer.boxHullApplies(chain), "a dense first layer takes planes");
        assertTrue(triangle < -0.1, "triangle " + triangle);
        assertTrue(planes > 0, "planes " + planes);
    }
}
