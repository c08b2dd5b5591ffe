package org.certus.bench;

import java.time.Duration;
import java.util.Locale;
import org.certus.api.Verifier;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.milp.Deadline;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;

/**
 * Two ways to compute MIPVerify's worst objective (the largest adversarial margin over an L∞ ball)
 * with the same time budget per sample: the engine's one best-first search
 * ({@link BranchAndBound#worstMargin}), against bisection over a threshold τ with a complete
 * feasibility search at each step ("some target wins by τ?": verified gives {@code A <= τ − proven},
 * falsified an example with its margin). Prints the bounds each reaches and the time it took.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.certus.bench.WorstMarginStrategies [NETWORK] [EPS] [A:B] [SECONDS] [TOL]}
 * (defaults mnist-wk17a, 0.1, 0:3, 20, 1e-3).
 */
public final class WorstMarginStrategies {
    private WorstMarginStrategies() {
    }

    public static void main(String[] args) {
        String network = args.length > 0 ? args[0] : "mnist-wk17a";
        double eps = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
        String[] range = (args.length > 2 ? args[2] : "0:3").split(":");
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        double tol = args.length > 4 ? Double.parseDouble(args[4]) : 1e-3;
        SearchOptions options = SearchOptions.defaults().withTimeLimit(Duration.ofMillis(Math.round(seconds * 1000)));
        System.out.println("sample,strategy,lower,upper,gap,seconds,searches,nodes");
        for (int s = Integer.parseInt(range[0]); s <= Integer.parseInt(range[1]); s++) {
            MnistQuery q = new MnistQuery(network, s, eps);
            Verifier v = Verifier.create(q.network);
            int[] targets = RobustnessProperty.untargeted(q.label, q.network.outputSize());
            long t0 = System.nanoTime();
            WorstCaseMargin w = v.worst(query(v, q, targets, 0.0), tol, options);
            print(s, "direct", w.lower(), w.upper(), (System.nanoTime() - t0) / 1e9, 1, w.statistics().nodes());
            bisection(s, v, q, targets, tol, options);
        }
    }

    static VerificationQuery query(Verifier v, MnistQuery q, int[] targets, double tau) {
        return v.toQuery(new VnnlibProperty.Case(q.box, RobustnessProperty.targetCondition(targets, q.network.outputSize(), tau)));
    }

    static void bisection(int s, Verifier v, MnistQuery q, int[] targets, double tol, SearchOptions options) {
        long t0 = System.nanoTime();
        long deadline = Deadline.after(t0, options.timeLimit());
        double lower = Double.NEGATIVE_INFINITY, upper = Double.POSITIVE_INFINITY;
        double tau = 0.0;
        int searches = 0;
        long nodes = 0;
        while (upper - lower > tol && System.nanoTime() < deadline) {
            VerificationQuery query = query(v, q, targets, tau);
            Verdict r = v.verify(query, options.withTimeLimit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
            searches++;
            nodes += r.statistics().nodes();
            if (r.status() == VerdictStatus.FALSIFIED) {
                double[] y = q.network.evaluate(r.counterexample().orElseThrow().input());
                // query.margin = τ − A on an exact forward pass
                double a = tau - query.margin(y);
                if (!(a > lower)) {
                    break; // a float32-only example: no progress in double
                }
                lower = a;
            } else {
                // Any status leaves a proven bound on the violation margin: A <= τ − bound.
                upper = Math.min(upper, Math.nextUp(tau - r.provenMarginLowerBound()));
                if (r.status() != VerdictStatus.VERIFIED) {
                    break;
                }
            }
            // Before both ends are finite, step from the finite one by the unit of the logits.
            tau = Double.isInfinite(lower) ? upper - 1 : Double.isInfinite(upper) ? lower + 1 : 0.5 * (lower + upper);
        }
        print(s, "bisection", lower, upper, (System.nanoTime() - t0) / 1e9, searches, nodes);
    }

    static void print(int s, String strategy, double lower, double upper, double secs, int searches, long nodes) {
        System.out.printf(Locale.ROOT, "%d,%s,%.6f,%.6f,%.6f,%.2f,%d,%d%n", s, strategy, lower, upper, upper - lower, secs, searches, nodes);
        System.out.flush();
    }
}
