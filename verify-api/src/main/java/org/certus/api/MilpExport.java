package org.certus.api;

import java.io.IOException;
import java.io.Writer;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.encode.EncodingObjective;
import org.certus.encode.MilpEncoder;
import org.certus.encode.MilpEncoding;
import org.certus.milp.MpsWriter;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;

/**
 * A verification question as a MILP (MIPVerify's encoding over symbolic bounds), for other solvers: written in MPS
 * format by {@code certus export-mps}. Disjuncts (targets) that the bounds already rule out are left out; when none
 * is left the model is infeasible by construction.
 */
public final class MilpExport {
    private final MilpEncoding encoding;
    private final int disjuncts;

    private MilpExport(MilpEncoding encoding, int disjuncts) {
        this.encoding = encoding;
        this.disjuncts = disjuncts;
    }

    private static EncodingObjective objective(Objective o) {
        return switch (o) {
            case FEASIBLE -> EncodingObjective.FEASIBILITY;
            case CLOSEST -> EncodingObjective.CLOSEST;
            case WORST -> EncodingObjective.WORST;
        };
    }

    /**
     * One input box of a property with its unsafe condition.
     *
     * @param net       the network
     * @param c         the case
     * @param objective feasible or worst (closest needs a sample)
     * @return the model
     */
    public static MilpExport ofCase(Network net, VnnlibProperty.Case c, Objective objective) {
        if (objective == Objective.CLOSEST) {
            throw new IllegalArgumentException("--objective closest needs a sample to measure distortion from; "
                    + "a VNN-LIB property has none (use feasible or worst)");
        }
        ReluChain chain = ReluChain.of(net);
        double[] lo = c.box().lower();
        double[] hi = c.box().upper();
        NetworkBounds b = new SymbolicPropagator().propagate(chain, lo, hi);
        return new MilpExport(MilpEncoder.encode(chain, lo, hi, b, c.condition(), objective(objective), null), c.condition().disjuncts().size());
    }

    /**
     * Untargeted robustness of a sample over a box around it: some other label reaches the sample's.
     *
     * @param net       the network
     * @param box       the region (e.g. an L∞ ball clipped to the domain)
     * @param x         the sample (the centre of closest's distortion)
     * @param label     its label
     * @param objective feasible, closest or worst
     * @return the model
     */
    public static MilpExport ofSample(Network net, InputBox box, double[] x, int label, Objective objective) {
        ReluChain chain = ReluChain.of(net);
        int classes = chain.outputSize();
        OutputCondition unsafe = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(label, classes), classes, 0.0);
        NetworkBounds b = new SymbolicPropagator().propagate(chain, box.lower(), box.upper());
        return new MilpExport(MilpEncoder.encode(chain, box.lower(), box.upper(), b, unsafe, objective(objective), x), classes - 1);
    }

    /**
     * Writes the model in MPS format.
     *
     * @param w    where
     * @param name the model's name (characters outside {@code [A-Za-z0-9_.-]} become {@code _})
     * @throws IOException when it cannot be written
     */
    public void write(Writer w, String name) throws IOException {
        MpsWriter.write(encoding.model(), name.replaceAll("[^A-Za-z0-9_.-]", "_"), w);
    }

    /**
     * Variables of the model.
     *
     * @return how many
     */
    public int variables() {
        return encoding.model().numVariables();
    }

    /**
     * Binary variables of the model.
     *
     * @return how many
     */
    public int binaries() {
        return encoding.model().numBinaries();
    }

    /**
     * Constraints of the model.
     *
     * @return how many
     */
    public int constraints() {
        return encoding.model().numConstraints();
    }

    /**
     * Nonzero coefficients of the model.
     *
     * @return how many
     */
    public long nonzeros() {
        return encoding.model().numNonzeros();
    }

    /**
     * Disjuncts (targets) of the question.
     *
     * @return how many
     */
    public int disjuncts() {
        return disjuncts;
    }

    /**
     * Disjuncts (targets) the model keeps: those the bounds do not rule out.
     *
     * @return how many
     */
    public int keptDisjuncts() {
        return encoding.keptDisjuncts().length;
    }

    /**
     * Whether the bounds alone rule out every disjunct: the model is infeasible, the question answered (unsat, robust).
     *
     * @return true when nothing is kept
     */
    public boolean triviallyInfeasible() {
        return encoding.triviallyInfeasible();
    }
}
