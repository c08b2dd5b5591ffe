package org.certus.api;

import java.util.ArrayList;
import java.util.List;
import org.certus.bnb.BranchAndBound;
import org.certus.bnb.ClosestSearch;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.SearchStatistics;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.ReluChain;
import org.certus.spec.Conjunction;
import org.certus.spec.InputBox;
import org.certus.spec.LinearConstraint;
import org.certus.spec.OutputCondition;
import org.certus.spec.VnnlibProperty;

/**
 * The entry point for other JVM tools:
 *
 * <pre>{@code
 * Network net = NetworkLoader.load("mnist-wk17a");
 * VnnlibProperty p = RobustnessProperty.of(RobustnessProperty.linfBall(x, 0.1, lo, hi),
 *         RobustnessProperty.untargeted(label, 10), 10, 0.0);
 * Verdict v = Verifier.create(net).verify(p, SearchOptions.timeLimit(Duration.ofSeconds(60)));
 * }</pre>
 *
 * <p>A verifier holds no mutable state: it is thread-safe, and several threads may verify
 * different properties at once (each call runs its own search with its own workers). It never
 * exits the JVM; bad input raises {@link NetworkException} or {@code SpecException}.
 */
public final class Verifier {
    private final Network network;

    private Verifier(Network network) {
        this.network = network;
        ReluChain.requireLowerable(network); // fail early on operations the verifier cannot lower
    }

    /**
     * A verifier for one network.
     *
     * @param network the network; its layers must be ones the verifier supports
     * @return the verifier
     * @throws NetworkException if the network has a layer the verifier cannot encode
     */
    public static Verifier create(Network network) {
        return new Verifier(network);
    }

    /**
     * The network this verifier answers about.
     *
     * @return the network
     */
    public Network network() {
        return network;
    }

    /**
     * Verifies a property (every case of it): FALSIFIED as soon as one case has a counterexample,
     * VERIFIED when every case is proved, otherwise the weakest status among the cases. The time
     * limit covers the whole property.
     *
     * @param property the property: input boxes, each with an unsafe output condition
     * @param options  limits, threads and the other search options
     * @return the verdict, with a checked counterexample when falsified and the proven bound otherwise
     * @throws NetworkException if the property's sizes do not match the network
     */
    public Verdict verify(VnnlibProperty property, SearchOptions options) {
        if (property.inputCount() != network.inputSize()) {
            throw new NetworkException("property has " + property.inputCount() + " inputs, network '" + network.name()
                    + "' has " + network.inputSize());
        }
        if (property.outputCount() != network.outputSize()) {
            throw new NetworkException("property is over " + property.outputCount() + " outputs, network '" + network.name()
                    + "' has " + network.outputSize());
        }
        long deadline = Deadline.after(options.timeLimit());
        List<Verdict> verdicts = new ArrayList<>();
        for (VnnlibProperty.Case c : property.cases()) {
            long left = Math.max(0, Deadline.left(deadline));
            Verdict v = verify(toQuery(c), options.withTimeLimit(java.time.Duration.ofNanos(left)));
            verdicts.add(v);
            if (v.status() == VerdictStatus.FALSIFIED) {
                return combine(verdicts, v);
            }
        }
        Verdict weakest = verdicts.get(0);
        for (Verdict v : verdicts) {
            if (rank(v.status()) > rank(weakest.status())
                    || (v.status() == weakest.status() && v.provenMarginLowerBound() < weakest.provenMarginLowerBound())) {
                weakest = v;
            }
        }
        return combine(verdicts, weakest);
    }

    private static int rank(VerdictStatus s) {
        return switch (s) {
            case VERIFIED -> 0;
            case UNKNOWN -> 1;
            case TIMEOUT -> 2;
            case FALSIFIED -> 3;
        };
    }

    private static Verdict combine(List<Verdict> all, Verdict chosen) {
        if (all.size() == 1) {
            return chosen;
        }
        long nodes = 0, lps = 0, attack = 0, bound = 0, total = 0, unstable = 0;
        int depth = 0;
        double root = Double.POSITIVE_INFINITY, fin = Double.POSITIVE_INFINITY;
        for (Verdict v : all) {
            SearchStatistics s = v.statistics();
            nodes += s.nodes();
            lps += s.lps();
            attack += s.attackMillis();
            bound += s.boundMillis();
            total += s.totalMillis();
            unstable = Math.max(unstable, s.unstableAtRoot());
            depth = Math.max(depth, s.maxDepth());
            root = Math.min(root, s.rootBound());
            fin = Math.min(fin, s.finalBound());
        }
        return chosen.withCombinedStatistics(new SearchStatistics(nodes, lps, depth, root, fin, attack, bound, total, unstable));
    }

    /**
     * MIPVerify's {@code closest} objective: proven bounds on the smallest perturbation of
     * {@code center} (in {@code norm}) within {@code domain} whose outputs satisfy {@code unsafe},
     * bisected until they are within {@code tolerance} or the time limit ends.
     *
     * @param center    the unperturbed input
     * @param domain    the inputs allowed (e.g. the pixel range)
     * @param unsafe    the output condition an adversarial example satisfies
     * @param norm      the norm of the distortion
     * @param tolerance stop when {@code upper − lower <= tolerance}, {@code > 0}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the minimum distortion and the closest example found
     */
    public DistortionBounds closest(double[] center, InputBox domain, OutputCondition unsafe, Norm norm, double tolerance,
                                    SearchOptions options) {
        if (center.length != network.inputSize() || domain.dimension() != network.inputSize()) {
            throw new NetworkException("centre/domain have " + center.length + "/" + domain.dimension() + " values, network '"
                    + network.name() + "' has " + network.inputSize() + " inputs");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        VnnlibProperty.Case c = new VnnlibProperty.Case(domain, unsafe);
        List<AffineMap> ds = toQuery(c).disjuncts();
        return new ClosestSearch(network, center, domain.lower(), domain.upper(), ds, norm).run(tolerance, options);
    }

    /**
     * MIPVerify's {@code worst} objective: proven bounds on the largest adversarial margin over
     * {@code region} — how far some input's outputs go into {@code unsafe}; for
     * {@code RobustnessProperty.targetCondition(targets, classes, 0)}, the largest
     * {@code max_{t ∈ targets} y_t − max_{j ∉ targets} y_j} — refined until
     * {@code upper − lower <= tolerance} or the time limit ends. The lower bound is the margin of
     * the returned example, checked by an exact forward pass. See {@link WorstCaseMargin}.
     *
     * @param region    the inputs searched
     * @param unsafe    the output condition whose depth is measured
     * @param tolerance stop when {@code upper − lower <= tolerance}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the largest margin and an example attaining the lower one
     */
    public WorstCaseMargin worst(InputBox region, OutputCondition unsafe, double tolerance, SearchOptions options) {
        if (region.dimension() != network.inputSize()) {
            throw new NetworkException("region has " + region.dimension() + " values, network '" + network.name() + "' has "
                    + network.inputSize() + " inputs");
        }
        return worst(toQuery(new VnnlibProperty.Case(region, unsafe)), tolerance, options);
    }

    /**
     * The {@code worst} objective on a query (e.g. one with linear input constraints, such as a blur family's).
     *
     * @param query     the query
     * @param tolerance stop when {@code upper − lower <= tolerance}, finite and {@code > 0}
     * @param options   limits, threads and the other search options
     * @return proven bounds on the largest margin and an example attaining the lower one
     */
    public WorstCaseMargin worst(VerificationQuery query, double tolerance, SearchOptions options) {
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be a finite number > 0, got " + tolerance);
        }
        return BranchAndBound.worstMargin(query, options, tolerance);
    }

    /**
     * One query, as the branch-and-bound sees it.
     *
     * @param query   the query
     * @param options limits, threads and the other search options
     * @return the verdict
     */
    public Verdict verify(VerificationQuery query, SearchOptions options) {
        return new BranchAndBound(query, options).run();
    }

    /**
     * A case of a property as a query: each conjunction becomes an affine map whose rows must all be {@code <= 0}.
     *
     * @param c one input box with its unsafe condition
     * @return the query over this verifier's network
     */
    public VerificationQuery toQuery(VnnlibProperty.Case c) {
        List<AffineMap> ds = new ArrayList<>();
        for (Conjunction conj : c.condition().disjuncts()) {
            List<LinearConstraint> rows = conj.constraints();
            int m = network.outputSize();
            double[] w = new double[rows.size() * m];
            double[] b = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r).coefficients(), 0, w, r * m, m);
                b[r] = -rows.get(r).rhs();
            }
            ds.add(AffineMap.fromDense(rows.size(), m, w, b));
        }
        return new VerificationQuery(network, c.box().lower(), c.box().upper(), ds);
    }
}
