package org.certus.bounds;

import java.util.Random;
import org.certus.nn.ReluChain;

/** Test helper: a node's random ReLU phase splits, and the first layer they touch (where its bounds must be recomputed). */
record RandomSplits(ReluSplits splits, int firstLayer) {
    /** {@code count} splits of random neurons into random phases, drawn layer, neuron, phase each. */
    static RandomSplits draw(Random rnd, ReluChain chain, int count) {
        ReluSplits splits = ReluSplits.none(BoundPropagator.widths(chain));
        int firstLayer = chain.reluLayerCount();
        for (int t = 0; t < count; t++) {
            int layer = rnd.nextInt(chain.reluLayerCount());
            int neuron = rnd.nextInt(chain.width(layer));
            splits = splits.with(layer, neuron, rnd.nextBoolean() ? ReluPhase.ACTIVE : ReluPhase.INACTIVE);
            firstLayer = Math.min(firstLayer, layer);
        }
        return new RandomSplits(splits, firstLayer);
    }
}
