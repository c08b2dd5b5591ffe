package org.certus.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certus.bnb.Counterexample;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerificationQuery;
import org.certus.bnb.WorstCaseMargin;
import org.certus.nn.AffineMap;
import org.certus.nn.Logits;
import org.certus.nn.Network;
import org.certus.spec.BlurPerturbation;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;

/**
 * One sample's robustness question (MIPVerify's batch evaluation, per sample): either the clean input is already
 * misclassified, or the verifier answers the question's objective over its perturbation, and every example it
 * returns is re-checked here ({@link ExampleCheck}). Never throws for a per-sample failure: that becomes an
 * {@link RobustnessStatus#ERROR} result with its message.
 */
final class SampleSolver {
    /**
     * How far a blur kernel entry recovered from the engine's free entries may stray outside [0, 1], and a blurred
     * pixel outside the input domain (then clamped back and re-checked): the eliminated entry is {@code C − Σκ},
     * computed in another order than the engine's row check.
     */
    static final double KERNEL_TOLERANCE = 1e-9;
    /**
     * How far the worst example's margin, on this class's own forward pass, may exceed the engine's proven upper
     * bound before it counts as a bug: for blurring the example is the directly blurred image, the engine's the
     * kernel network, which differ by rounding. The upper bound written is then raised to the example's margin.
     */
    static final double MARGIN_TOLERANCE = 1e-9;

    private final Verifier verifier;
    private final Network net;
    private final RobustnessQuestion q;
    private final SearchOptions options;
    private final ExampleCheck check;

    SampleSolver(Verifier verifier, RobustnessQuestion question) {
        this.verifier = verifier;
        this.net = verifier.network();
        this.q = question;
        this.options = question.searchOptions();
        this.check = new ExampleCheck(net, verifier::float32, question.sound(), question.margin());
    }

    /** What the per-objective solvers know about the sample at hand. */
    private record Sample(double[] x, int label, int predicted, int[] targets, long t0) {
        RobustnessResult result(RobustnessStatus st, double lower, double upper, long nodes) {
            return worst(st, lower, upper, nodes, Double.NaN, Double.NaN, null);
        }

        RobustnessResult withExample(RobustnessStatus st, double lower, double upper, long nodes, AdversarialExample e) {
            return worst(st, lower, upper, nodes, Double.NaN, Double.NaN, e);
        }

        RobustnessResult worst(RobustnessStatus st, double lower, double upper, long nodes, double marginLower, double marginUpper,
                               AdversarialExample e) {
            return new RobustnessResult(label, predicted, st, lower, upper, marginLower, marginUpper, (System.nanoTime() - t0) / 1e9, nodes,
                    e, null);
        }

        RobustnessResult error(String message, long nodes) {
            return new RobustnessResult(label, predicted, RobustnessStatus.ERROR, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    (System.nanoTime() - t0) / 1e9, nodes, null, message);
        }
    }

    RobustnessResult solve(double[] x, int label) {
        long t0 = System.nanoTime();
        int predicted = -1;
        long[] nodes = {0};
        try {
            double[] clean = net.evaluate(x);
            predicted = Logits.argmax(clean);
            if (predicted != label && !q.solveMisclassified()) {
                return new Sample(x, label, predicted, new int[0], t0).result(RobustnessStatus.MISCLASSIFIED, Double.NaN, Double.NaN, 0);
            }
            Sample s = new Sample(x, label, predicted, q.targetsFor(label, net.outputSize()), t0);
            if (s.targets().length == 0) {
                // Only the sample's own label was a target: reaching it is not an attack, so there is
                // nothing to find and the sample is robust by definition.
                return s.result(RobustnessStatus.ROBUST, robustLower(Double.POSITIVE_INFINITY), Double.NaN, 0);
            }
            try {
                return switch (q.objective()) {
                    case WORST -> solveWorst(s, nodes);
                    case CLOSEST -> solveClosest(s, nodes);
                    case FEASIBLE -> q.perturbation().isBlur() ? solveBlur(s, nodes) : solveFeasible(s, nodes);
                };
            } catch (ExampleCheck.Failed e) {
                return s.error(e.getMessage(), nodes[0]);
            }
        } catch (RuntimeException | StackOverflowError e) {
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Messages.oneLine(e.getMessage()));
            return new Sample(x, label, predicted, new int[0], t0).error(message, 0);
        }
    }

    private InputBox domain() {
        return new InputBox(net.inputDomain().lower(), net.inputDomain().upper());
    }

    private InputBox region(double[] x) {
        return q.wholeDomain() ? domain() : RobustnessProperty.linfBall(x, q.eps(), net.inputDomain().lower(), net.inputDomain().upper());
    }

    private OutputCondition unsafe(Sample s) {
        return RobustnessProperty.targetCondition(s.targets(), net.outputSize(), q.margin());
    }

    /**
     * What a robust verdict proves about the minimal distortion: ∞ over the whole domain (there is no example at
     * all), eps for a feasibility ball, the proved radius for closest within a ball; nothing for blurring (a kernel
     * has no distortion radius).
     */
    private double robustLower(double closestLower) {
        if (q.perturbation().isBlur()) {
            return Double.NaN;
        }
        if (q.wholeDomain()) {
            return Double.POSITIVE_INFINITY;
        }
        return q.objective() == Objective.CLOSEST ? closestLower : q.eps();
    }

    private RobustnessResult solveFeasible(Sample s, long[] nodes) {
        InputBox region = region(s.x());
        Verdict v = verifier.verify(RobustnessProperty.of(region, s.targets(), net.outputSize(), q.margin()), options,
                q.stagedSearch() ? Strategy.STAGED : Strategy.SINGLE_SEARCH);
        nodes[0] = v.statistics().nodes();
        return switch (v.status()) {
            case VERIFIED -> s.result(RobustnessStatus.ROBUST, robustLower(Double.NaN), Double.NaN, nodes[0]);
            case TIMEOUT -> s.result(RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN, nodes[0]);
            case UNKNOWN -> s.result(RobustnessStatus.UNKNOWN, Double.NaN, Double.NaN, nodes[0]);
            case FALSIFIED -> {
                Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                double limit = q.wholeDomain() ? Double.POSITIVE_INFINITY : q.eps() + ExampleCheck.BALL_TOLERANCE;
                AdversarialExample e = check.check(s.x(), s.targets(), ce.input(), ce, region, Norm.LINF, limit, new LinkedHashMap<>());
                yield s.withExample(RobustnessStatus.VULNERABLE, Double.NaN, e.distance(), nodes[0], e);
            }
        };
    }

    /**
     * MIPVerify's closest objective: proven bounds on the minimum distortion within the region. Incomplete (the time
     * limit came first) is a timeout that still records the bounds and the best example so far.
     */
    private RobustnessResult solveClosest(Sample s, long[] nodes) {
        InputBox region = region(s.x());
        DistortionBounds b = verifier.closest(s.x(), region, unsafe(s), q.norm(), q.tolerance(), options);
        nodes[0] = b.statistics().nodes();
        double upper = b.upper();
        AdversarialExample e = null;
        if (b.example() != null) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("objective", "closest");
            extra.put("norm", q.normText());
            extra.put("distortion_lower", b.lower());
            extra.put("distortion_upper", b.upper());
            extra.put("complete", b.complete());
            e = check.check(s.x(), s.targets(), b.example().input(), b.example(), region, q.norm(), upper + ExampleCheck.BALL_TOLERANCE, extra);
            if (Math.abs(e.distance() - upper) > ExampleCheck.BALL_TOLERANCE) {
                return s.error("the closest example's distance " + e.distance() + " is not the reported upper bound " + upper
                        + " (a bug; please report it)", nodes[0]);
            }
        } else if (Double.isFinite(upper)) {
            throw new IllegalStateException("closest search reported a finite upper bound " + upper + " without an example");
        }
        if (!b.complete()) {
            // Bounds with a gap: UNKNOWN when the search ended on radii it could not decide (L2), else TIMEOUT.
            RobustnessStatus st = b.undecided() ? RobustnessStatus.UNKNOWN : RobustnessStatus.TIMEOUT;
            return s.withExample(st, b.lower(), upper, nodes[0], e);
        }
        if (e == null) {
            // No adversarial example anywhere in the region: over the whole domain the minimum distortion is +∞.
            return s.result(RobustnessStatus.ROBUST, robustLower(b.lower()), Double.NaN, nodes[0]);
        }
        return s.withExample(RobustnessStatus.VULNERABLE, b.lower(), upper, nodes[0], e);
    }

    /**
     * MIPVerify's blurring family: a search over the kernel of a parametrised network. The example reported is the
     * blurred image, recomputed from the kernel by a direct blur and re-checked on the original network.
     */
    private RobustnessResult solveBlur(Sample s, long[] nodes) {
        BlurPerturbation.Parametrised p = q.perturbation().blur().parametrise(net, s.x());
        Verdict v = verifier.verify(blurQuery(s, p), options);
        nodes[0] = v.statistics().nodes();
        return switch (v.status()) {
            case VERIFIED -> s.result(RobustnessStatus.ROBUST, Double.NaN, Double.NaN, nodes[0]);
            case TIMEOUT -> s.result(RobustnessStatus.TIMEOUT, Double.NaN, Double.NaN, nodes[0]);
            case UNKNOWN -> s.result(RobustnessStatus.UNKNOWN, Double.NaN, Double.NaN, nodes[0]);
            case FALSIFIED -> {
                Counterexample ce = v.counterexample().orElseThrow(() -> new IllegalStateException("FALSIFIED verdict without a counterexample"));
                double[] adv = blurredExample(p, ce.input());
                AdversarialExample e = check.check(s.x(), s.targets(), adv, ce, domain(), Norm.LINF, Double.POSITIVE_INFINITY,
                        blurExtra(p, ce.input()));
                yield s.withExample(RobustnessStatus.VULNERABLE, Double.NaN, e.distance(), nodes[0], e);
            }
        };
    }

    /** The blurring family's query: the kernel network over the free entries, their box and the kernel-sum rows. */
    private VerificationQuery blurQuery(Sample s, BlurPerturbation.Parametrised p) {
        List<AffineMap> disjuncts = verifier.toQuery(new VnnlibProperty.Case(domain(), unsafe(s))).disjuncts();
        return new VerificationQuery(p.network(), p.lower(), p.upper(), disjuncts, null, p.constraints());
    }

    /**
     * The blurred image of the engine's free kernel entries, by a direct blur, after checking the kernel and the
     * pixels (clamped into the domain within {@link #KERNEL_TOLERANCE}).
     *
     * @throws ExampleCheck.Failed when a check fails (a bug)
     */
    private double[] blurredExample(BlurPerturbation.Parametrised p, double[] free) {
        double[] lo = net.inputDomain().lower();
        double[] hi = net.inputDomain().upper();
        double[] kernel = p.kernel(free);
        String problem = null;
        for (int j = 0; j < kernel.length && problem == null; j++) {
            if (!(kernel[j] >= -KERNEL_TOLERANCE && kernel[j] <= 1 + KERNEL_TOLERANCE)) {
                problem = "blur kernel entry " + j + " = " + kernel[j] + " lies outside [0, 1]";
            }
        }
        double[] adv = p.blurredImage(free);
        for (int j = 0; j < adv.length && problem == null; j++) {
            if (!(adv[j] >= lo[j] - KERNEL_TOLERANCE && adv[j] <= hi[j] + KERNEL_TOLERANCE)) {
                problem = "blurred pixel " + j + " = " + adv[j] + " lies outside the input domain";
            }
            adv[j] = Math.max(lo[j], Math.min(hi[j], adv[j]));
        }
        if (problem != null) {
            throw new ExampleCheck.Failed("the verifier's blur kernel fails the re-check: " + problem + " (a bug; please report it)");
        }
        return adv;
    }

    private Map<String, Object> blurExtra(BlurPerturbation.Parametrised p, double[] free) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("blur_kernel_shape", new int[] {p.channels(), q.perturbation().blur().kernelSize(), q.perturbation().blur().kernelSize()});
        extra.put("blur_kernel", p.kernel(free));
        return extra;
    }

    /**
     * MIPVerify's worst objective: proven bounds on the largest adversarial margin {@code max_t y_t − max_{j ∉ targets} y_j}
     * over the region (ball, domain or blur family). The engine bounds the margin minus the question's margin (its
     * unsafe set is "some target wins by the margin"), deciding the sign against it whenever it completes; the lower
     * bound is this class's own margin of the example on an exact forward pass, the upper bound the engine's plus the
     * margin, rounded up. The status is the decision: vulnerable when the example wins by the margin, robust when
     * the upper bound is below it; otherwise timeout (time limit) or unknown.
     */
    private RobustnessResult solveWorst(Sample s, long[] nodes) {
        int classes = net.outputSize();
        BlurPerturbation.Parametrised p = null;
        VerificationQuery query;
        InputBox region;
        if (q.perturbation().isBlur()) {
            p = q.perturbation().blur().parametrise(net, s.x());
            query = blurQuery(s, p);
            region = domain();
        } else {
            region = region(s.x());
            query = verifier.toQuery(new VnnlibProperty.Case(region, unsafe(s)));
        }
        WorstCaseMargin w = verifier.worst(query, q.tolerance(), options);
        nodes[0] = w.statistics().nodes();
        double margin = q.margin();
        double upper = margin == 0 ? w.upper() : Math.nextUp(w.upper() + margin);
        double lower = Double.NEGATIVE_INFINITY;
        double dist = Double.NaN;
        boolean adversarial = false;
        AdversarialExample e = null;
        if (w.example() != null) {
            double[] adv = p != null ? blurredExample(p, w.example().input()) : w.example().input();
            double[] y = net.evaluate(adv);
            lower = ExampleCheck.adversarialMargin(y, s.targets(), classes);
            if (!(lower <= upper + MARGIN_TOLERANCE * (1 + Math.abs(upper)))) {
                return s.error("the worst example's margin " + lower + " exceeds the proven upper bound " + upper
                        + " (a bug; please report it)", nodes[0]);
            }
            upper = Math.max(upper, lower);
            adversarial = ExampleCheck.targetHolds(y, s.targets(), classes, margin);
            if (adversarial) {
                Map<String, Object> extra = p != null ? blurExtra(p, w.example().input()) : new LinkedHashMap<>();
                extra.put("objective", "worst");
                extra.put("margin_lower", lower);
                extra.put("margin_upper", upper);
                extra.put("complete", w.complete());
                double limit = q.wholeDomain() || p != null ? Double.POSITIVE_INFINITY : q.eps() + ExampleCheck.BALL_TOLERANCE;
                e = check.check(s.x(), s.targets(), adv, w.example(), region, Norm.LINF, limit, extra);
                dist = e.distance();
            }
        }
        RobustnessStatus status = adversarial ? RobustnessStatus.VULNERABLE
                : upper < margin ? RobustnessStatus.ROBUST
                : w.limitReached() ? RobustnessStatus.TIMEOUT : RobustnessStatus.UNKNOWN;
        double distLower = status == RobustnessStatus.ROBUST ? robustLower(Double.NaN) : Double.NaN;
        return s.worst(status, distLower, dist, nodes[0], lower, upper, e);
    }
}
