package org.certus.bounds;

import java.util.Arrays;

/**
 * A partial assignment of ReLU phases (a branch-and-bound node's decisions). Immutable: {@link #with}
 * copies only the layer it changes, so siblings share the rest. Phases are stored as bytes
 * (0 free, +1 active, −1 inactive) for compactness in the open-node queue.
 */
public final class ReluSplits {
    private final byte[][] phases;
    private final int count;

    private ReluSplits(byte[][] phases, int count) {
        this.phases = phases;
        this.count = count;
    }

    /** No ReLU fixed, for layers of the given widths. */
    public static ReluSplits none(int[] widths) {
        byte[][] p = new byte[widths.length][];
        for (int i = 0; i < widths.length; i++) {
            p[i] = new byte[widths[i]];
        }
        return new ReluSplits(p, 0);
    }

    public int layerCount() {
        return phases.length;
    }

    /** Number of fixed ReLUs (the node's depth). */
    public int count() {
        return count;
    }

    public ReluPhase phase(int layer, int neuron) {
        byte b = phases[layer][neuron];
        return b == 0 ? ReluPhase.FREE : b > 0 ? ReluPhase.ACTIVE : ReluPhase.INACTIVE;
    }

    /** Raw phase: 0 free, +1 active, −1 inactive (hot loops). */
    public byte raw(int layer, int neuron) {
        return phases[layer][neuron];
    }

    public ReluSplits with(int layer, int neuron, ReluPhase phase) {
        byte b = phase == ReluPhase.FREE ? 0 : phase == ReluPhase.ACTIVE ? (byte) 1 : (byte) -1;
        if (phases[layer][neuron] == b) {
            return this;
        }
        byte[][] p = phases.clone();
        p[layer] = p[layer].clone();
        int delta = (phases[layer][neuron] == 0 ? 1 : 0) - (b == 0 ? 1 : 0);
        p[layer][neuron] = b;
        return new ReluSplits(p, count + delta);
    }

    /** True when no layer has a fixed ReLU at or before {@code layer}. */
    public boolean noneUpTo(int layer) {
        for (int i = 0; i <= layer && i < phases.length; i++) {
            for (byte b : phases[i]) {
                if (b != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReluSplits s && Arrays.deepEquals(phases, s.phases);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(phases);
    }
}
