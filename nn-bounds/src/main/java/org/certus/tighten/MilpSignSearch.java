package org.certus.tighten;

import org.certus.bounds.NetworkBounds;

import java.time.Duration;
import java.util.Arrays;
import org.certus.encode.LinearExpression;
import org.certus.encode.MilpEncoder;
import org.certus.encode.PreActivationModel;
import org.certus.milp.BinaryBranchAndBound;
import org.certus.milp.MilpLimits;
import org.certus.milp.MilpResult;
import org.certus.milp.Model;
import org.certus.milp.Sense;
import org.certus.nn.ReluChain;

/**
 * {@link SignSearch} by the exact MILP of the layers before the neuron (big-M over the given bounds, one
 * binary per unstable ReLU it depends on), optimised in the sign's direction until the proven bound rules the
 * sign out or the optimum is found; its best solution's input is the candidate. Fast for neurons that read few
 * unstable ReLUs (early layers); a deep neuron's MILP may outlast any limit.
 */
public final class MilpSignSearch implements SignSearch {

    @Override
    public Outcome search(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds, int layer, int neuron, boolean positive,
                          Duration limit) {
        int k = bounds.reluLayerCount();
        double[][] l = new double[k + 1][];
        double[][] u = new double[k + 1][];
        for (int i = 0; i <= k; i++) {
            l[i] = bounds.lower(i);
            u[i] = bounds.upper(i);
        }
        PreActivationModel pm = MilpEncoder.preActivations(chain, lo, hi, l, u, layer, new int[] {neuron});
        Model model = pm.model();
        LinearExpression z = pm.preActivations()[0];
        Sense sense = positive ? Sense.MAXIMIZE : Sense.MINIMIZE;
        MilpResult r = new BinaryBranchAndBound(model).optimize(z.idx(), z.coef(), sense,
                new MilpLimits(limit, Long.MAX_VALUE, MilpLimits.DEFAULT_ABSOLUTE_GAP, -z.constant()));
        double[] input = null;
        if (r.hasIncumbent()) {
            // The encoder adds the inputs first: variable i is input i.
            input = Arrays.copyOf(r.incumbent(), lo.length);
        }
        double b = r.provenBound();
        boolean impossible = false;
        if (!Double.isNaN(b) && !Double.isInfinite(b)) {
            double bound = LpTightening.preActivationBound(model, z, b, 0.0, positive);
            impossible = positive ? bound <= 0 : bound >= 0;
        }
        return new Outcome(input, impossible);
    }
}
