package org.certus.bench;

import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.InputBox;
import org.certus.spec.RobustnessProperty;

/** Benchmark fixture: a bundled MNIST network, one test image and its L∞ ball (clipped to the domain). */
final class MnistQuery {
    final Network network;
    final ReluChain chain;
    final double[] image;
    final int label;
    final InputBox box;

    MnistQuery(String networkName, int sample, double eps) {
        Dataset data = Datasets.load("mnist");
        network = NetworkLoader.load(networkName);
        chain = ReluChain.of(network);
        image = data.image(sample);
        label = data.label(sample);
        box = RobustnessProperty.linfBall(image, eps, network.inputDomain().lower(), network.inputDomain().upper());
    }
}
