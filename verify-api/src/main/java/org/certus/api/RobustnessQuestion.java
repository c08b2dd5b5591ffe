package org.certus.api;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.certus.bnb.Norm;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.tighten.Tightening;

/**
 * MIPVerify's robustness question about a sample, with how to search for the answer: the {@link Objective}, the
 * {@link Perturbation} (with its radius eps for an L∞ ball), the target labels, the margin a target must win by,
 * the distortion norm and tolerance of the closest and worst objectives, sound or fast arithmetic, the root
 * tightening, the time limit and threads per sample. Immutable and serialisable (a Spark task receives it);
 * build it with {@link #builder()}, whose {@link Builder#build()} checks the whole question. Parse errors and
 * contradictions raise {@link IllegalArgumentException} with one line that names the option as both front ends
 * spell it ({@code --eps}, {@code --objective}, ...).
 */
public final class RobustnessQuestion implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default tolerance of the closest objective: bisection stops when upper − lower is at most this. */
    public static final double DEFAULT_CLOSEST_TOLERANCE = 1e-4;
    /**
     * Default tolerance of the worst objective, in logit units: the search stops when the bounds on the largest
     * margin are this close. Coarser than closest's: in sound mode every bound carries the float32 error allowance
     * (about 1e-5 of the logits' magnitude on mnist-wk17a), which a finer gap could not get below.
     */
    public static final double DEFAULT_WORST_TOLERANCE = 1e-3;

    private final Objective objective;
    private final Perturbation perturbation;
    private final double eps;
    private final Norm norm;
    private final int[] targets;
    private final boolean invertTarget;
    private final double margin;
    private final double tolerance;
    private final boolean sound;
    private final Tightening tightening;
    private final Duration neuronTimeLimit;
    private final double timeLimitSeconds;
    private final int threads;
    private final boolean solveMisclassified;
    private final String inputRange;

    private RobustnessQuestion(Builder b, double tolerance) {
        this.objective = b.objective;
        this.perturbation = b.perturbation;
        this.eps = b.eps;
        this.norm = b.norm;
        this.targets = b.targets.clone();
        this.invertTarget = b.invertTarget;
        this.margin = b.margin;
        this.tolerance = tolerance;
        this.sound = b.sound;
        this.tightening = b.tightening;
        this.neuronTimeLimit = b.neuronTimeLimit;
        this.timeLimitSeconds = b.timeLimitSeconds;
        this.threads = b.threads;
        this.solveMisclassified = b.solveMisclassified;
        this.inputRange = b.inputRange;
    }

    /**
     * A builder with {@code certus robustness}'s defaults: feasible, L∞ ball (eps to be given), untargeted, margin 0,
     * sound, auto root tightening, 1 s per neuron, 120 s, all processors.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return what is asked} */
    public Objective objective() {
        return objective;
    }

    /** {@return the region searched} */
    public Perturbation perturbation() {
        return perturbation;
    }

    /**
     * The L∞ radius.
     *
     * @return eps, or NaN when the question has none (unrestricted, blurring, closest over the whole domain)
     */
    public double eps() {
        return eps;
    }

    /** {@return the norm the closest objective measures distortion in ({@link Norm#LINF} for the other objectives)} */
    public Norm norm() {
        return norm;
    }

    /**
     * The target labels as given (before inverting and before removing a sample's own label).
     *
     * @return the labels, sorted; empty for untargeted (every other label)
     */
    public int[] targets() {
        return targets.clone();
    }

    /** {@return whether every label except {@link #targets()} is a target} */
    public boolean invertTarget() {
        return invertTarget;
    }

    /** {@return how much a target must beat every other label by} */
    public double margin() {
        return margin;
    }

    /** {@return when closest and worst stop: {@code upper − lower <= tolerance} (the objective's default unless given)} */
    public double tolerance() {
        return tolerance;
    }

    /** {@return sound mode (bounds cover float32 and double evaluation, LPs certified) rather than fast mode} */
    public boolean sound() {
        return sound;
    }

    /**
     * {@return the perturbation column of {@code summary.csv}: the perturbation, and {@code in RANGE} when
     * {@code --input-range} replaced the dataset's pixel range (a resume with another range is another question)}
     */
    public String perturbationText() {
        return inputRange.isEmpty() ? perturbation.text() : perturbation.text() + " in " + inputRange;
    }

    /** {@return the root bound tightening before branching (symbolic for {@code auto})} */
    public Tightening tightening() {
        return tightening == null ? Tightening.SYMBOLIC : tightening;
    }

    /**
     * {@return whether this is {@code --tightening auto} (the default) on a feasibility question: a search on symbolic
     * bounds first and, when it runs out of its share of the time, MIP-strength root tightening and a second search
     * ({@link Strategy#STAGED}, as {@code certus vnnlib}); measured on mnist-wk17a's hardest samples}
     */
    public boolean stagedSearch() {
        return tightening == null && objective == Objective.FEASIBLE;
    }

    /**
     * The time limit per sample.
     *
     * @return seconds, as given
     */
    public double timeLimitSeconds() {
        return timeLimitSeconds;
    }

    /**
     * Search threads per sample.
     *
     * @return at least 1
     */
    public int threads() {
        return threads;
    }

    /**
     * Whether samples whose clean image is misclassified are searched too.
     *
     * @return true to search them
     */
    public boolean solveMisclassified() {
        return solveMisclassified;
    }

    /**
     * Whether the region is the whole input domain: unrestricted, or closest over an L∞ ball without eps.
     *
     * @return true when no ball restricts the search
     */
    public boolean wholeDomain() {
        return perturbation.unrestricted() || (objective == Objective.CLOSEST && !perturbation.isBlur() && Double.isNaN(eps));
    }

    /**
     * The search options of one sample: time limit, threads, sound or fast, root tightening.
     *
     * @return the options
     */
    public SearchOptions searchOptions() {
        return SearchOptions.defaults()
                .withTimeLimit(Duration.ofNanos(Math.round(timeLimitSeconds * 1e9)))
                .withThreads(threads)
                .withSound(sound)
                .withRootTightening(new RootTightening(tightening(), neuronTimeLimit, RootTightening.DEFAULT_BUDGET));
    }

    /**
     * The targets of a sample: {@link #targets()} (every other label when untargeted), inverted if asked, without
     * the sample's own label (an input classified as its own label is no adversarial example).
     *
     * @param label   the sample's label
     * @param classes the network's outputs
     * @return the target labels, possibly empty (then the sample is robust by definition)
     */
    public int[] targetsFor(int label, int classes) {
        int[] raw = targets.length == 0 ? org.certus.spec.RobustnessProperty.untargeted(label, classes) : targets.clone();
        if (invertTarget) {
            raw = org.certus.spec.RobustnessProperty.invert(raw, classes);
        }
        return Arrays.stream(raw).filter(t -> t != label).toArray();
    }

    /**
     * eps as written in {@code summary.csv}.
     *
     * @return {@code none} for blurring, {@code inf} over the whole domain, else the number
     */
    public String epsText() {
        return perturbation.isBlur() ? "none" : wholeDomain() ? "inf" : RobustnessRow.number(eps);
    }

    /**
     * The norm as written in {@code summary.csv} and on the command line.
     *
     * @return inf, 1 or 2
     */
    public String normText() {
        return normText(norm);
    }

    private static String normText(Norm n) {
        return n == Norm.L1 ? "1" : n == Norm.L2 ? "2" : "inf";
    }

    /**
     * The targets as written in {@code summary.csv}.
     *
     * @return {@code untargeted} or the labels joined by {@code ;}, after {@code all-but:} when inverted
     */
    public String targetText() {
        StringBuilder b = new StringBuilder();
        for (int t : targets) {
            b.append(b.isEmpty() ? "" : ";").append(t);
        }
        return (invertTarget ? "all-but:" : "") + (targets.length == 0 ? "untargeted" : b.toString());
    }

    /**
     * Sound or fast, as written in {@code summary.csv}.
     *
     * @return sound or fast
     */
    public String mode() {
        return sound ? "sound" : "fast";
    }

    /**
     * The columns of {@code summary.csv} that identify the question: rows of one summary must agree on them.
     *
     * @param network the network's name
     * @param dataset the dataset's name
     * @return network, dataset, eps, norm, perturbation, target, margin, objective, mode
     */
    public List<String> columns(String network, String dataset) {
        return List.of(network, dataset, epsText(), normText(), perturbationText(), targetText(), RobustnessRow.number(margin),
                objective.word(), mode());
    }

    /**
     * A short name of the question for a folder: e.g. {@code eps0.1}, {@code eps0.1-closest-linf}, {@code blur3x3-worst-fast}.
     *
     * @return the name
     */
    public String shortName() {
        return (perturbation.isBlur() ? perturbation.text().replace(":", "") : "eps" + epsText())
                + (objective == Objective.CLOSEST ? "-closest-" + norm.name().toLowerCase(Locale.ROOT) : "")
                + (objective == Objective.WORST ? "-worst" : "") + (sound ? "" : "-fast");
    }

    /**
     * The question in words for a report: eps, norm, perturbation, target, margin, objective (with its tolerance),
     * mode, tightening, time limit and threads.
     *
     * @return one line
     */
    public String describe() {
        return String.format(Locale.ROOT, "eps %s, norm %s, perturbation %s, target %s, margin %s, objective %s%s, mode %s, tightening %s, "
                        + "time limit %s s, threads %d", epsText(), normText(), perturbationText(), targetText(), RobustnessRow.number(margin),
                objective.word(), objective != Objective.FEASIBLE ? " (tolerance " + RobustnessRow.number(tolerance) + ")" : "", mode(),
                tightening == null ? "auto" : tightening.name().toLowerCase(Locale.ROOT), RobustnessRow.number(timeLimitSeconds), threads);
    }

    @Override
    public String toString() {
        return "RobustnessQuestion[" + describe() + (solveMisclassified ? ", solve misclassified" : "") + "]";
    }

    /** Collects a question's parts; {@link #build()} checks them together. */
    public static final class Builder {
        private Objective objective = Objective.FEASIBLE;
        private Perturbation perturbation = Perturbation.LINF;
        private double eps = Double.NaN;
        private Norm norm = Norm.LINF;
        private int[] targets = new int[0];
        private boolean invertTarget;
        private double margin;
        private double tolerance = Double.NaN;
        private boolean sound = true;
        private Tightening tightening; // null: auto
        private String inputRange = "";
        private Duration neuronTimeLimit = RootTightening.DEFAULT_NEURON_TIME_LIMIT;
        private double timeLimitSeconds = 120;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean solveMisclassified;

        private Builder() {
        }

        /**
         * The objective.
         *
         * @param o feasible, closest or worst
         * @return this builder
         */
        public Builder objective(Objective o) {
            this.objective = o;
            return this;
        }

        /**
         * The region searched.
         *
         * @param p the perturbation
         * @return this builder
         */
        public Builder perturbation(Perturbation p) {
            this.perturbation = p;
            return this;
        }

        /**
         * The L∞ radius: required for feasible and worst over a ball, optional for closest (restricts its search).
         *
         * @param e eps, finite and {@code >= 0}; NaN for none
         * @return this builder
         */
        public Builder eps(double e) {
            this.eps = e;
            return this;
        }

        /**
         * The distortion norm of the closest objective.
         *
         * @param n the norm
         * @return this builder
         */
        public Builder norm(Norm n) {
            this.norm = n;
            return this;
        }

        /**
         * The distortion norm as written on the command line.
         *
         * @param text inf, 1 or 2
         * @return this builder
         */
        public Builder norm(String text) {
            return norm(switch (text) {
                case "inf" -> Norm.LINF;
                case "1" -> Norm.L1;
                case "2" -> Norm.L2;
                default -> throw new IllegalArgumentException("--norm " + text + " is unknown; use inf, 1 or 2");
            });
        }

        /**
         * The target labels (empty: untargeted, every other label).
         *
         * @param labels labels, {@code >= 0}
         * @return this builder
         */
        public Builder targets(int... labels) {
            for (int t : labels) {
                if (t < 0) {
                    throw new IllegalArgumentException("--target label " + t + " is negative");
                }
            }
            this.targets = Arrays.stream(labels).distinct().sorted().toArray();
            return this;
        }

        /**
         * The targets as written on the command line.
         *
         * @param text {@code untargeted} or labels such as {@code 3} or {@code 3,5}
         * @return this builder
         */
        public Builder target(String text) {
            if ("untargeted".equals(text)) {
                return targets();
            }
            String[] parts = text.split(",", -1);
            int[] labels = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    labels[i] = Integer.parseInt(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--target '" + text + "' is neither 'untargeted' nor a list of labels such as 3 or 3,5");
                }
            }
            return targets(labels); // refuses negative labels, drops repeats
        }

        /**
         * Every label except the targets is a target.
         *
         * @param invert true to invert
         * @return this builder
         */
        public Builder invertTarget(boolean invert) {
            this.invertTarget = invert;
            return this;
        }

        /**
         * How much a target must beat every other label by.
         *
         * @param m the margin, finite
         * @return this builder
         */
        public Builder margin(double m) {
            this.margin = m;
            return this;
        }

        /**
         * When closest and worst stop (default {@link #DEFAULT_CLOSEST_TOLERANCE} or {@link #DEFAULT_WORST_TOLERANCE}).
         *
         * @param t finite and {@code > 0}; NaN for the default
         * @return this builder
         */
        public Builder tolerance(double t) {
            this.tolerance = t;
            return this;
        }

        /**
         * Sound mode (the default) or fast mode.
         *
         * @param on true for sound
         * @return this builder
         */
        public Builder sound(boolean on) {
            this.sound = on;
            return this;
        }

        /**
         * The input range that replaced the dataset's pixel range, as written ({@code --input-range}).
         *
         * @param text e.g. {@code 0.1:0.9}; empty for the dataset's pixel range
         * @return this builder
         */
        public Builder inputRange(String text) {
            this.inputRange = text == null ? "" : text.strip();
            return this;
        }

        /**
         * The root tightening before branching.
         *
         * @param t its kind; null for auto (see {@link RobustnessQuestion#stagedSearch()})
         * @return this builder
         */
        public Builder tightening(Tightening t) {
            this.tightening = t;
            return this;
        }

        /**
         * The root tightening as written on the command line.
         *
         * @param text auto, interval, symbolic, lp or mip
         * @return this builder
         */
        public Builder tightening(String text) {
            if (!Set.of("auto", "interval", "symbolic", "lp", "mip").contains(text)) {
                throw new IllegalArgumentException("--tightening " + text + " is unknown; use auto, interval, symbolic, lp or mip");
            }
            return tightening(text.equals("auto") ? null : Tightening.valueOf(text.toUpperCase(Locale.ROOT)));
        }

        /**
         * MILP (or search) time per neuron and direction of MIP tightening.
         *
         * @param d positive
         * @return this builder
         */
        public Builder neuronTimeLimit(Duration d) {
            this.neuronTimeLimit = d;
            return this;
        }

        /**
         * The time limit per sample.
         *
         * @param seconds positive
         * @return this builder
         */
        public Builder timeLimitSeconds(double seconds) {
            this.timeLimitSeconds = seconds;
            return this;
        }

        /**
         * Search threads per sample.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /**
         * Whether samples whose clean image is misclassified are searched too.
         *
         * @param on true to search them
         * @return this builder
         */
        public Builder solveMisclassified(boolean on) {
            this.solveMisclassified = on;
            return this;
        }

        /**
         * The question, checked as a whole.
         *
         * @return the question
         * @throws IllegalArgumentException saying what does not fit
         */
        public RobustnessQuestion build() {
            boolean closest = objective == Objective.CLOSEST;
            boolean worst = objective == Objective.WORST;
            if (!closest && norm != Norm.LINF) {
                throw new IllegalArgumentException("--norm " + normText(norm) + " needs --objective closest (a "
                        + (worst ? "worst-margin" : "feasibility") + " question is over the L∞ ball of --eps)");
            }
            if (perturbation.isBlur() && closest) {
                throw new IllegalArgumentException("--objective closest with --perturbation " + perturbation
                        + " is not supported yet; blurring is a feasibility question");
            }
            if (!closest && !worst && !Double.isNaN(tolerance)) {
                throw new IllegalArgumentException("--tolerance applies to --objective closest and worst only");
            }
            double tol = !Double.isNaN(tolerance) ? tolerance : worst ? DEFAULT_WORST_TOLERANCE : DEFAULT_CLOSEST_TOLERANCE;
            if (!(tol > 0) || Double.isInfinite(tol)) {
                throw new IllegalArgumentException("--tolerance must be a finite number > 0, got " + tol);
            }
            if (neuronTimeLimit == null || neuronTimeLimit.isNegative() || neuronTimeLimit.isZero()) {
                throw new IllegalArgumentException("--neuron-time-limit must be a positive number of seconds, got " + neuronTimeLimit);
            }
            if (perturbation.unrestricted() || perturbation.isBlur()) {
                if (!Double.isNaN(eps)) {
                    throw new IllegalArgumentException("--eps does not apply to --perturbation " + perturbation
                            + (perturbation.isBlur() ? " (the region is every blur kernel)" : " (the region is the whole input domain)"));
                }
            } else if (Double.isNaN(eps)) {
                if (!closest) {
                    throw new IllegalArgumentException("missing --eps (the radius of the L∞ ball, e.g. --eps 0.1)");
                }
            } else if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("--eps must be a finite number >= 0, got " + eps);
            }
            if (!(timeLimitSeconds > 0) || Double.isInfinite(timeLimitSeconds)) {
                throw new IllegalArgumentException("--time-limit must be a positive number of seconds, got " + timeLimitSeconds);
            }
            if (!Double.isFinite(margin)) {
                throw new IllegalArgumentException("--margin must be a finite number, got " + margin);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            return new RobustnessQuestion(this, tol);
        }
    }
}
