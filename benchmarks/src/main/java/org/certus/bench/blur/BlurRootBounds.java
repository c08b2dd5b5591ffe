package org.certus.bench.blur;

import java.util.Locale;
import org.certus.bnb.SearchOptions;
import org.certus.bounds.BoundPropagator;
import org.certus.bounds.InputConstraints;
import org.certus.bounds.LinearBounds;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.ReluSplits;
import org.certus.bounds.SymbolicPropagator;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.BlurPerturbation;

/**
 * Root bounds of MIPVerify's blurring family with and without the kernel-sum constraint: for each
 * sample, the parametrised network's symbolic bounds (the engine's sound FLOAT32 model) over the
 * kernel box alone and over box ∩ {@code C − 1 <= Σκ_free <= C}; prints the unstable ReLUs, the
 * worst untargeted margin row's lower bound (> 0 proves the sample robust at the root) and the time.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.blur.BlurRootBounds [NETWORK] [A:B] [K]}
 * (defaults mnist-wk17a, 0:9, 5).
 */
public final class BlurRootBounds {
    private BlurRootBounds() {
    }

    public static void main(String[] args) {
        String network = args.length > 0 ? args[0] : "mnist-wk17a";
        String[] range = (args.length > 1 ? args[1] : "0:9").split(":");
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Network net = NetworkLoader.load(network);
        Dataset data = Datasets.load("mnist");
        BlurPerturbation blur = new BlurPerturbation(k);
        System.out.println("sample,label,relus,unstable_box,unstable_constrained,margin_lb_box,margin_lb_constrained,ms_box,ms_constrained");
        long sumBox = 0, sumCon = 0;
        int decidedBox = 0, decidedCon = 0, n = 0;
        for (int s = Integer.parseInt(range[0]); s <= Integer.parseInt(range[1]); s++) {
            BlurPerturbation.Parametrised p = blur.parametrise(net, data.image(s));
            ReluChain chain = ReluChain.of(p.network());
            AffineMap margins = untargetedMargins(data.label(s), net.outputSize());
            ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
            double[] r = new double[6];
            for (int mode = 0; mode < 2; mode++) {
                SymbolicPropagator prop = new SymbolicPropagator(true, null, SearchOptions.defaults().arithmetic(),
                        mode == 0 ? null : InputConstraints.of(p.constraints()));
                long t0 = System.nanoTime();
                NetworkBounds b = prop.propagate(chain, p.lower(), p.upper(), none);
                LinearBounds lb = prop.minimize(chain, b, p.lower(), p.upper(), margins);
                double worst = Double.POSITIVE_INFINITY;
                for (double v : lb.lower()) {
                    worst = Math.min(worst, v);
                }
                r[mode] = b.unstableCount();
                r[2 + mode] = worst;
                r[4 + mode] = (System.nanoTime() - t0) / 1e6;
            }
            n++;
            sumBox += (long) r[0];
            sumCon += (long) r[1];
            decidedBox += r[2] > 0 ? 1 : 0;
            decidedCon += r[3] > 0 ? 1 : 0;
            System.out.printf(Locale.ROOT, "%d,%d,%d,%d,%d,%.4f,%.4f,%.0f,%.0f%n", s, data.label(s), chain.reluCount(), (long) r[0], (long) r[1],
                    r[2], r[3], r[4], r[5]);
        }
        System.out.printf(Locale.ROOT, "mean unstable: box %.1f, constrained %.1f; robust at the root: box %d/%d, constrained %d/%d%n",
                sumBox / (double) n, sumCon / (double) n, decidedBox, n, decidedCon, n);
    }

    /** Rows {@code y_label − y_t} for every t ≠ label (margin 0). */
    static AffineMap untargetedMargins(int label, int classes) {
        double[] w = new double[(classes - 1) * classes];
        for (int t = 0, r = 0; t < classes; t++) {
            if (t != label) {
                w[r * classes + label] = 1;
                w[r * classes + t] = -1;
                r++;
            }
        }
        return AffineMap.fromDense(classes - 1, classes, w, new double[classes - 1]);
    }
}
