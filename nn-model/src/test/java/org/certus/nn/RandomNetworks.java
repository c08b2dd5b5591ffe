package org.certus.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of small random ReLU networks for property and brute-force tests. Everything
 * is a function of the {@link Random} passed in, so a failing case replays from its seed.
 *
 * <p>Weights are Gaussian with standard deviation {@code GAIN / sqrt(fanIn)} and biases Gaussian
 * with standard deviation {@link #BIAS_STD}. That keeps pre-activations of order one through the
 * layers, so on a box of radius ~0.1–0.25 around a point of the input domain a sizeable share of the
 * ReLUs (typically 10–60 %) is unstable: a case where bound propagation and branching have work to do,
 * yet small enough for brute force. {@code RandomNetworksTest} checks that share.
 */
public final class RandomNetworks {
    /** Weight scale relative to 1/sqrt(fanIn) (He-like, so activations neither vanish nor blow up). */
    public static final double GAIN = 1.5;
    /** Bias scale: small, so that ReLUs are centred near their kink rather than stuck on or off. */
    public static final double BIAS_STD = 0.1;

    private RandomNetworks() {
    }

    /**
     * A fully connected network {@code widths[0] -> widths[1] -> ... -> widths[last]} with a ReLU after
     * every hidden layer and a linear output layer; input domain {@code [-1, 1]} per element.
     */
    public static Network dense(Random rnd, int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("need at least input and output width");
        }
        List<Operation> layers = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            layers.add(denseLayer(rnd, widths[i], widths[i + 1]));
            if (i + 2 < widths.length) {
                layers.add(new Relu());
            }
        }
        return new Network("random-dense", Shape.flat(widths[0]), InputDomain.uniform(widths[0], -1, 1), layers);
    }

    /**
     * A small convolutional network on a {@code [inChannels, height, width]} image with domain
     * {@code [0, 1]}: for each entry of {@code channels} a 3x3 convolution (stride 1 or 2 at random,
     * padding 1) and a ReLU, then an NCHW flatten, one hidden dense layer of {@code hidden} units with
     * ReLU (skipped if {@code hidden <= 0}), and a dense output layer of {@code outputs} units.
     */
    public static Network conv(Random rnd, int inChannels, int height, int width, int[] channels, int hidden, int outputs) {
        List<Operation> layers = new ArrayList<>();
        Shape cur = Shape.chw(inChannels, height, width);
        Shape input = cur;
        for (int c : channels) {
            int stride = (cur.height() >= 4 && cur.width() >= 4 && rnd.nextBoolean()) ? 2 : 1;
            Conv2d conv = convLayer(rnd, cur.channels(), c, Window2d.square(3, stride, 1));
            layers.add(conv);
            layers.add(new Relu());
            cur = conv.outputShape(cur);
        }
        layers.add(new Flatten(FlattenOrder.NCHW));
        int n = cur.size();
        if (hidden > 0) {
            layers.add(denseLayer(rnd, n, hidden));
            layers.add(new Relu());
            n = hidden;
        }
        layers.add(denseLayer(rnd, n, outputs));
        return new Network("random-conv", input, InputDomain.uniform(input.size(), 0, 1), layers);
    }

    /** A dense layer with the scaling described in the class comment. */
    public static Dense denseLayer(Random rnd, int in, int out) {
        return new Dense(in, out, gaussian(rnd, in * out, GAIN / Math.sqrt(in)), gaussian(rnd, out, BIAS_STD));
    }

    /** A convolution with the scaling described in the class comment (fan-in = inC * kH * kW). */
    public static Conv2d convLayer(Random rnd, int inC, int outC, Window2d window) {
        int fanIn = inC * window.kernelH() * window.kernelW();
        return new Conv2d(inC, outC, window, gaussian(rnd, outC * fanIn, GAIN / Math.sqrt(fanIn)), gaussian(rnd, outC, BIAS_STD));
    }

    /** A point drawn uniformly from the network's input domain. */
    public static double[] pointIn(Random rnd, InputDomain domain) {
        double[] x = new double[domain.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = domain.lower(i) + rnd.nextDouble() * (domain.upper(i) - domain.lower(i));
        }
        return x;
    }

    /** {@code n} values uniform in {@code [lo, hi)}. */
    public static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + rnd.nextDouble() * (hi - lo);
        }
        return v;
    }

    /** {@code n} Gaussian values with the given standard deviation. */
    public static double[] gaussian(Random rnd, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
        return v;
    }
}
