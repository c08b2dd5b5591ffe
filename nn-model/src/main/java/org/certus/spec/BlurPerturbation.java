package org.certus.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.Reshape;
import org.certus.nn.Shape;

/**
 * MIPVerify's blurring perturbation family: the adversarial image is the original image convolved
 * (stride 1, SAME size, zero edges) with a depthwise kernel — one K×K kernel per channel — whose
 * entries lie in [0, 1] and sum, over all channels, to the channel count C. The identity kernel
 * (1 at the centre of every channel) reproduces the image.
 *
 * <p>Verification searches over the kernel, not the image: {@link #parametrise} builds a network
 * whose input is the kernel with one entry eliminated (channel 0's centre, {@code κ_e = C − Σ κ_free}),
 * so the sum constraint becomes the two rows {@code 0 <= C − Σκ_free <= 1}. Its first layer is the
 * blur as an affine map of the kernel with the image fixed, then a {@link Reshape} to CHW, then the
 * original network. Blurred pixels that could leave the network's input domain (possible only with
 * several channels) get rows keeping them inside, as MIPVerify bounds the blurred image.
 */
public final class BlurPerturbation {
    private static final Pattern SYNTAX = Pattern.compile("blur:(\\d{1,4})x(\\d{1,4})");
    /** A kernel this large is surely a typo, and its parametrised layer would be huge. */
    public static final int MAX_KERNEL = 63;

    private final int kernelSize;

    public BlurPerturbation(int kernelSize) {
        if (kernelSize < 3 || kernelSize % 2 == 0 || kernelSize > MAX_KERNEL) {
            throw new SpecException("blur kernel size must be odd, between 3 and " + MAX_KERNEL + " (SAME padding needs a centre), got "
                    + kernelSize);
        }
        this.kernelSize = kernelSize;
    }

    /** {@code blur:KxK}, K odd and at least 3. */
    public static BlurPerturbation parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new SpecException("blur perturbation '" + text + "' is not of the form blur:KxK (e.g. blur:3x3)");
        }
        int h = Integer.parseInt(m.group(1));
        int w = Integer.parseInt(m.group(2));
        if (h != w) {
            throw new SpecException("blur kernel " + h + "x" + w + " is not square; use blur:KxK");
        }
        return new BlurPerturbation(h);
    }

    public int kernelSize() {
        return kernelSize;
    }

    @Override
    public String toString() {
        return "blur:" + kernelSize + "x" + kernelSize;
    }

    /**
     * The blurred image, computed directly: {@code out[c][y][x] = Σ kernel[c][ky][kx] ·
     * image[c][y+ky−r][x+kx−r]} with zeros outside the image (r = K/2). {@code kernel} is
     * {@code [C][K][K]} flat.
     */
    public static double[] blur(double[] image, int channels, int height, int width, double[] kernel, int k) {
        int r = k / 2;
        double[] out = new double[image.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double s = 0;
                    for (int ky = 0; ky < k; ky++) {
                        int yy = y + ky - r;
                        if (yy < 0 || yy >= height) {
                            continue;
                        }
                        for (int kx = 0; kx < k; kx++) {
                            int xx = x + kx - r;
                            if (xx >= 0 && xx < width) {
                                s += kernel[(c * k + ky) * k + kx] * image[(c * height + yy) * width + xx];
                            }
                        }
                    }
                    out[(c * height + y) * width + x] = s;
                }
            }
        }
        return out;
    }

    /**
     * The verification problem for one image: a network over the free kernel entries, their box
     * ([0, 1] each) and the linear constraints (rows {@code <= 0}).
     */
    public Parametrised parametrise(Network network, double[] image) {
        Shape s = network.inputShape();
        if (!s.isImage()) {
            throw new SpecException("blurring needs an image input (CxHxW), network '" + network.name() + "' takes " + s);
        }
        if (image.length != s.size()) {
            throw new SpecException("image has " + image.length + " values, network '" + network.name() + "' takes " + s.size());
        }
        int c = s.channels(), h = s.height(), w = s.width(), k = kernelSize;
        int full = c * k * k;
        int eliminated = eliminatedIndex(k);
        int free = full - 1;
        int pixels = image.length;
        // Column j of the blur as a linear map of the full kernel: the image shifted by entry j's offset.
        double[] m = new double[pixels * free];
        double[] bias = new double[pixels];
        double[] unit = new double[full];
        double[] columnE;
        unit[eliminated] = 1;
        columnE = blur(image, c, h, w, unit, k);
        unit[eliminated] = 0;
        for (int j = 0, f = 0; j < full; j++) {
            if (j == eliminated) {
                continue;
            }
            unit[j] = 1;
            double[] col = blur(image, c, h, w, unit, k);
            unit[j] = 0;
            for (int p = 0; p < pixels; p++) {
                m[p * free + f] = col[p] - columnE[p];
            }
            f++;
        }
        for (int p = 0; p < pixels; p++) {
            bias[p] = c * columnE[p];
        }
        List<Operation> layers = new ArrayList<>();
        layers.add(new Dense(free, pixels, m, bias));
        layers.add(new Reshape(s));
        Network net = network.prepend(network.name() + "+" + this, Shape.flat(free), InputDomain.uniform(free, 0, 1), layers);

        // Constraint rows over κ_free (each <= 0): the eliminated entry within [0, 1], then domain rows.
        List<double[]> rows = new ArrayList<>();
        List<Double> consts = new ArrayList<>();
        double[] ones = new double[free];
        Arrays.fill(ones, 1);
        rows.add(ones);
        consts.add((double) -c); // Σκ − C <= 0
        double[] minus = new double[free];
        Arrays.fill(minus, -1);
        rows.add(minus);
        consts.add(c - 1.0); // C − 1 − Σκ <= 0
        double[] lo = network.inputDomain().lower();
        double[] hi = network.inputDomain().upper();
        for (int p = 0; p < pixels; p++) {
            int ch = p / (h * w);
            double[] coef = pixelCoefficients(image, c, h, w, k, p, ch);
            double max = extreme(coef, full, c, true);
            double min = extreme(coef, full, c, false);
            if (max > hi[p]) {
                double[] row = Arrays.copyOfRange(m, p * free, (p + 1) * free);
                rows.add(row);
                consts.add(bias[p] - hi[p]); // x'_p − hi <= 0
            }
            if (min < lo[p]) {
                double[] row = new double[free];
                for (int f = 0; f < free; f++) {
                    row[f] = -m[p * free + f];
                }
                rows.add(row);
                consts.add(lo[p] - bias[p]); // lo − x'_p <= 0
            }
        }
        double[] wRows = new double[rows.size() * free];
        double[] b = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, wRows, r * free, free);
            b[r] = consts.get(r);
        }
        AffineMap constraints = AffineMap.fromDense(rows.size(), free, wRows, b);
        double[] boxLo = new double[free];
        double[] boxHi = new double[free];
        Arrays.fill(boxHi, 1);
        return new Parametrised(this, net, boxLo, boxHi, constraints, c, h, w, image.clone());
    }

    /** Index of the eliminated entry in the full {@code [C][K][K]} kernel: channel 0's centre. */
    static int eliminatedIndex(int k) {
        return (k / 2) * k + k / 2;
    }

    /** The K·K image values that kernel entries of channel {@code ch} multiply at pixel p (0 outside). */
    private static double[] pixelCoefficients(double[] image, int c, int h, int w, int k, int p, int ch) {
        int y = (p / w) % h, x = p % w, r = k / 2;
        double[] v = new double[k * k];
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int yy = y + ky - r, xx = x + kx - r;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                    v[ky * k + kx] = image[(ch * h + yy) * w + xx];
                }
            }
        }
        return v;
    }

    /**
     * Max (or min) of {@code Σ κ_j a_j} over κ ∈ [0,1]^full with {@code Σκ = C}, where the pixel's
     * coefficients are {@code coef} and every other entry multiplies 0: the C largest (smallest)
     * coefficients, a fractional knapsack with unit weights and an integer capacity.
     */
    private static double extreme(double[] coef, int full, int c, boolean max) {
        double[] all = new double[full];
        System.arraycopy(coef, 0, all, 0, coef.length);
        Arrays.sort(all);
        double s = 0;
        for (int i = 0; i < c; i++) {
            s += max ? all[full - 1 - i] : all[i];
        }
        return s;
    }

    /**
     * The parametrised problem: {@code network} maps free kernel entries to the original network's
     * outputs on the blurred image; the region is the box {@code [lower, upper]} with every row of
     * {@code constraints} {@code <= 0}.
     */
    public record Parametrised(BlurPerturbation family, Network network, double[] lower, double[] upper, AffineMap constraints,
            int channels, int height, int width, double[] image) {

        public int freeCount() {
            return lower.length;
        }

        /** The full {@code [C][K][K]} kernel from the free entries. */
        public double[] kernel(double[] free) {
            int k = family.kernelSize;
            int full = channels * k * k;
            int e = eliminatedIndex(k);
            double[] kernel = new double[full];
            double sum = 0;
            for (int j = 0, f = 0; j < full; j++) {
                if (j != e) {
                    kernel[j] = free[f++];
                    sum += kernel[j];
                }
            }
            kernel[e] = channels - sum;
            return kernel;
        }

        /** The free entries of the identity kernel (1 at every channel's centre). */
        public double[] identity() {
            int k = family.kernelSize;
            double[] free = new double[freeCount()];
            int e = eliminatedIndex(k);
            for (int ch = 1; ch < channels; ch++) {
                free[ch * k * k + e - 1] = 1; // every index after the eliminated one shifts down by one
            }
            return free;
        }

        /** The adversarial image for free entries {@code free}, by the direct blur. */
        public double[] blurredImage(double[] free) {
            return blur(image, channels, height, width, kernel(free), family.kernelSize);
        }

        @Override
        public String toString() {
            return "Parametrised[family=" + family + ", network=" + network.name() + ", lower=" + Arrays.toString(lower) + ", upper="
                    + Arrays.toString(upper) + ", constraints=" + constraints + ", channels=" + channels + ", height=" + height + ", width=" + width
                    + ", image=" + Arrays.toString(image) + "]";
        }
    }
}
