package org.certus.bounds;

import java.util.Random;
import org.certus.nn.ReluChain;

/**
 * Test helper: a random dense or convolutional network's chain ({@link BoundSoundnessTest#randomNetwork}), a random
 * input box and a random arithmetic model, drawn in that order.
 */
record RandomChainBox(ReluChain chain, double[] lo, double[] hi, ArithmeticModel arithmetic) {
    static RandomChainBox draw(Random rnd) {
        ReluChain chain = ReluChain.of(BoundSoundnessTest.randomNetwork(rnd));
        int n = chain.inputSize();
        double[] lo = new double[n], hi = new double[n];
        AlphaBetaOptimizerTest.randomBox(rnd, lo, hi);
        ArithmeticModel am = rnd.nextBoolean() ? ArithmeticModel.REAL : ArithmeticModel.FLOAT32;
        return new RandomChainBox(chain, lo, hi, am);
    }
}
