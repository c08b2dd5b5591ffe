package org.certus.api;

import java.time.Duration;
import java.util.Locale;
import org.certus.bnb.BranchAndBoundSignSearch;
import org.certus.bounds.IntervalPropagator;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.spec.InputBox;
import org.certus.tighten.LpTightening;
import org.certus.tighten.MipTightening;
import org.certus.tighten.UnstableWitnesses;

/**
 * Sound bounds on the pre-activations of every ReLU layer (and the outputs) of a network's normal form over an input
 * box, in real arithmetic — what {@code certus bounds} prints. Layer {@code i < reluLayerCount()} is ReLU layer i's
 * pre-activations, the last is the outputs. Read-only.
 */
public final class LayerBounds {
    private final ReluChain chain;
    private final InputBox box;
    private final NetworkBounds bounds;
    private final String statistics;

    private LayerBounds(ReluChain chain, InputBox box, NetworkBounds bounds, String statistics) {
        this.chain = chain;
        this.box = box;
        this.bounds = bounds;
        this.statistics = statistics;
    }

    /**
     * Computes the bounds.
     *
     * @param net             the network
     * @param box             the input box
     * @param method          how
     * @param neuronTimeLimit {@link BoundsMethod#MIP}: MILP time per neuron and direction
     * @param budget          {@link BoundsMethod#MIP}: total time; neurons not reached keep their LP bounds
     * @param layerBudget     {@link BoundsMethod#LP}: LP time per layer; neurons not reached keep symbolic bounds
     * @return the bounds
     */
    public static LayerBounds compute(Network net, InputBox box, BoundsMethod method, Duration neuronTimeLimit, Duration budget,
                                      Duration layerBudget) {
        ReluChain chain = ReluChain.of(net);
        double[] lo = box.lower();
        double[] hi = box.upper();
        return switch (method) {
            case INTERVAL -> new LayerBounds(chain, box, new IntervalPropagator().propagate(chain, lo, hi), null);
            case SYMBOLIC -> new LayerBounds(chain, box, new SymbolicPropagator().propagate(chain, lo, hi), null);
            case LP -> {
                LpTightening t = new LpTightening(layerBudget, true);
                NetworkBounds b = t.propagate(chain, lo, hi);
                LpTightening.Statistics s = t.lastStatistics();
                yield new LayerBounds(chain, box, b, String.format(Locale.ROOT, "lp: %d LPs, %d bounds improved, %d uncertified, "
                        + "%d skipped for time, %d cuts added, %d phases settled by cuts, %d by splitting (%d LPs)", s.lpsSolved(),
                        s.boundsImproved(), s.uncertified(), s.skippedForTime(), s.cutsAdded(), s.settledByCuts(), s.settledBySplits(),
                        s.splitLps()));
            }
            case MIP -> {
                MipTightening t = new MipTightening(neuronTimeLimit, budget, true);
                NetworkBounds b = t.propagate(chain, lo, hi);
                MipTightening.Statistics s = t.lastStatistics();
                yield new LayerBounds(chain, box, b, String.format(Locale.ROOT, "mip: %d MILPs, %d nodes, %d bounds improved, "
                        + "%d stopped by the time limit, %d skipped for time", s.milps(), s.nodes(), s.boundsImproved(), s.hitLimit(),
                        s.skippedForTime()));
            }
        };
    }

    /**
     * What LP or MIP tightening did, in words.
     *
     * @return one line, or null for interval and symbolic bounds
     */
    public String statistics() {
        return statistics;
    }

    /**
     * Layers with bounds: every ReLU layer, then the outputs.
     *
     * @return {@link #reluLayerCount()} + 1
     */
    public int layerCount() {
        return bounds.layerCount();
    }

    /**
     * ReLU layers of the normal form.
     *
     * @return how many
     */
    public int reluLayerCount() {
        return bounds.reluLayerCount();
    }

    /**
     * Lower bounds of a layer.
     *
     * @param layer the layer
     * @return a copy, one per neuron
     */
    public double[] lower(int layer) {
        return bounds.lower(layer).clone();
    }

    /**
     * Upper bounds of a layer.
     *
     * @param layer the layer
     * @return a copy, one per neuron
     */
    public double[] upper(int layer) {
        return bounds.upper(layer).clone();
    }

    /**
     * ReLUs of a layer proved active (lower bound {@code >= 0}).
     *
     * @param layer a ReLU layer
     * @return how many
     */
    public int activeCount(int layer) {
        return bounds.activeCount(layer);
    }

    /**
     * ReLUs of a layer proved inactive (upper bound {@code <= 0}).
     *
     * @param layer a ReLU layer
     * @return how many
     */
    public int inactiveCount(int layer) {
        return bounds.inactiveCount(layer);
    }

    /**
     * ReLUs of a layer that the bounds leave unstable.
     *
     * @param layer a ReLU layer
     * @return how many
     */
    public int unstableCount(int layer) {
        return bounds.unstableCount(layer);
    }

    /**
     * Searches inputs at which each unstable ReLU is positive and inputs at which it is negative: an attack, then
     * branch and bound for at most {@code perSign} per ReLU and sign the attack missed. ReLUs that take both signs
     * cannot be called stable by any sound bound; those the search proves stable could be.
     *
     * @param perSign time of one sign search
     * @param budget  total time of the searches; signs not searched stay undecided
     * @return the counts
     */
    public Witnesses witnesses(Duration perSign, Duration budget) {
        UnstableWitnesses.Result w = new UnstableWitnesses().withExactSearch(new BranchAndBoundSignSearch(), perSign, budget)
                .find(chain, box.lower(), box.upper(), bounds);
        int contradicting = 0;
        int unstable = 0;
        for (int i = 0; i < bounds.reluLayerCount(); i++) {
            unstable += bounds.unstableCount(i);
            for (int j = 0; j < bounds.lower(i).length; j++) {
                contradicting += w.bothSigns(i, j) && !bounds.isUnstable(i, j) ? 1 : 0;
            }
        }
        return new Witnesses(unstable, w.bothSignsCount() - contradicting, w.provedStableCount(), contradicting);
    }

    /**
     * What {@link #witnesses} found.
     *
     * @param unstable      ReLUs the bounds leave unstable
     * @param bothSigns     of those, how many take both signs at evaluated inputs
     * @param provedStable  of those, how many the search proves stable
     * @param contradicting ReLUs the bounds call stable but that take both signs (cannot happen with sound bounds)
     */
    public record Witnesses(int unstable, int bothSigns, int provedStable, int contradicting) {
        /**
         * Unstable ReLUs neither witnessed nor proved stable.
         *
         * @return how many
         */
        public int undecided() {
            return unstable - bothSigns - provedStable;
        }
    }
}
