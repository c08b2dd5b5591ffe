package org.certus.bnb;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.ReluChain;
import org.certus.nn.io.OnnxImporter;

/** Manual probe (not a test): java -cp ... org.certus.bnb.Wk17aProbe N EPS */
public class Wk17aProbe {
    public static void main(String[] args) throws Exception {
        String res = args.length > 2 ? args[2] : "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx";
        Network net;
        try (InputStream in = Wk17aProbe.class.getResourceAsStream(res)) {
            net = OnnxImporter.read(in, res);
        }
        Dataset mnist = Datasets.load("mnist");
        int n = Integer.parseInt(args[0]);
        double eps = Double.parseDouble(args[1]);
        ReluChain chain = ReluChain.of(net);
        long totalUnstable = 0;
        int robust = 0, vuln = 0, mis = 0, other = 0;
        long t0 = System.nanoTime();
        List<Double> times = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            double[] x = mnist.image(s);
            int label = mnist.label(s);
            if (net.predict(x) != label) {
                mis++;
                continue;
            }
            double[] lo = new double[x.length], hi = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                lo[i] = Math.max(0, x[i] - eps);
                hi[i] = Math.min(1, x[i] + eps);
            }
            long a = System.nanoTime();
            NetworkBounds b = new SymbolicPropagator().propagate(chain, lo, hi);
            totalUnstable += b.unstableCount();
            List<AffineMap> ds = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                if (t == label) continue;
                double[] w = new double[10];
                w[label] = 1; w[t] = -1;
                ds.add(AffineMap.fromDense(1, 10, w, new double[1]));
            }
            Verdict v = new BranchAndBound(new VerificationQuery(net, lo, hi, ds), SearchOptions.timeLimit(Duration.ofSeconds(60))).run();
            double sec = (System.nanoTime() - a) / 1e9;
            times.add(sec);
            switch (v.status()) {
                case VERIFIED -> robust++;
                case FALSIFIED -> vuln++;
                default -> other++;
            }
            System.out.printf("sample %d: %s unstable=%d %.3fs%n", s, v, b.unstableCount(), sec);
        }
        times.sort(null);
        System.out.printf("robust=%d vulnerable=%d misclassified=%d other=%d meanUnstable=%.1f total=%.1fs median=%.3fs%n",
                robust, vuln, mis, other, totalUnstable / (double) (n - mis), (System.nanoTime() - t0) / 1e9,
                times.isEmpty() ? 0 : times.get(times.size() / 2));
    }
}
