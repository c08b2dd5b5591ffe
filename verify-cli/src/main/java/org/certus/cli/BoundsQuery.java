package org.certus.cli;

import org.certus.api.Load;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The query shared by {@code bounds} and {@code export-mps}: a network, one dataset sample and the
 * L∞ ball of radius eps around it clipped to the input domain (the dataset's pixel range unless
 * {@code --input-range} says otherwise). Cheap checks (dataset name, sample index, eps) come before
 * loading the network.
 */
record BoundsQuery(Network network, Dataset data, int sample, double[] image, int label, InputBox box) {

    static BoundsQuery load(CommandSpec spec, SampleQueryOptions q) {
        if (q.sample == null || q.eps == null) {
            throw new ParameterException(spec.commandLine(), "missing " + (q.sample == null ? "--sample" : "--eps")
                    + " (the query is the L-inf ball of radius --eps around dataset sample --sample)");
        }
        int sample = q.sample;
        double eps = q.eps;
        Dataset data = Load.dataset(q.dataset);
        if (sample < 0 || sample >= data.size()) {
            throw new ParameterException(spec.commandLine(), "--sample " + sample + " is out of range: dataset '"
                    + data.name() + "' has " + data.size() + " samples (0:" + (data.size() - 1) + ")");
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new ParameterException(spec.commandLine(), "--eps must be a finite number >= 0, got " + eps);
        }
        Network net = q.inputRange.loadForDataset(q.network, data, spec.commandLine().getErr());
        double[] x = data.image(sample);
        InputBox box = RobustnessProperty.linfBall(x, eps, net.inputDomain().lower(), net.inputDomain().upper());
        return new BoundsQuery(net, data, sample, x, data.label(sample), box);
    }
}
