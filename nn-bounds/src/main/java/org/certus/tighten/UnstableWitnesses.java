package org.certus.tighten;

import org.certus.bounds.NetworkBounds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.certus.milp.Deadline;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;

/**
 * Concrete evidence that ReLUs are unstable: inputs in the region at which a neuron's pre-activation is
 * positive and inputs at which it is negative. A neuron with both witnesses takes both signs on the region,
 * so <em>no</em> sound bound can call it stable; the number of such neurons is a lower bound on what any
 * tightening (LP, MIP, cuts, …) can reach, and tells a user how far their bounds are from exact. Where every
 * neuron the bounds leave unstable is witnessed, the bounds are exact as to which ReLUs are stable.
 *
 * <p>Three stages, each only for what the previous ones left: the centre of the box and random corners
 * (every evaluated input counts for every neuron at once); for each neuron the bounds leave unstable and each
 * sign not yet seen, projected sign-gradient steps from the input that came closest, from the centre and from
 * random interior points; and a complete {@link SignSearch} (time-limited), which either yields an input or
 * proves the sign impossible — the neuron is then stable, and tighter bounds could have said so.
 *
 * <p>Only inputs evaluated exactly in the box count as witnesses; nothing here feeds a verification result.
 * An instance is immutable; {@link #find} may run on several threads at once.
 */
public final class UnstableWitnesses {
    /**
     * A pre-activation counts as positive (negative) only above {@code SIGN_MARGIN · (1 + m)} (below its
     * negation), m the largest magnitude in its layer at that input. Double rounding in a forward pass is of
     * order 1e-16 · fan-in · depth relative to m, many orders below this, so a witnessed sign is the sign of
     * the real-valued pre-activation.
     */
    public static final double SIGN_MARGIN = 1e-9;

    /** Random box corners evaluated first; on mnist-wk17a they show both signs of most unstable ReLUs. */
    public static final int DEFAULT_RANDOM_CORNERS = 16;
    /** Random interior starts of the attack per neuron and sign, after the closest input and the centre. */
    public static final int DEFAULT_RESTARTS = 2;
    /** Sign-gradient steps per start; the step shrinks geometrically from 1/4 to 1/50 of the box width. */
    public static final int DEFAULT_STEPS = 30;
    private static final double FIRST_STEP = 0.25;
    private static final double LAST_STEP = 0.02;
    /** Time of the complete search for each neuron and sign the attack missed. */
    public static final Duration DEFAULT_EXACT_TIME = Duration.ofSeconds(5);

    private final int randomCorners;
    private final int restarts;
    private final int steps;
    private final long seed;
    private final SignSearch exact;
    private final Duration exactTime;
    /** Total time of the complete searches of one {@link #find} (null: no limit beyond each search's own). */
    private final Duration exactBudget;

    /** The default attack, then the MILP ({@link MilpSignSearch}) for {@link #DEFAULT_EXACT_TIME} per neuron and sign. */
    public UnstableWitnesses() {
        this(DEFAULT_RANDOM_CORNERS, DEFAULT_RESTARTS, DEFAULT_STEPS, 1L, new MilpSignSearch(), DEFAULT_EXACT_TIME);
    }

    /**
     * @param randomCorners box corners drawn at random and evaluated first (≥ 0)
     * @param restarts      random interior starts of the attack per neuron and sign (≥ 0)
     * @param steps         sign-gradient steps per start (≥ 0)
     * @param seed          seed of the random corners and starts
     * @param exact         the complete search for what the attack missed, or null for none
     * @param exactTime     its time per neuron and sign (≥ 0; zero skips it)
     */
    public UnstableWitnesses(int randomCorners, int restarts, int steps, long seed, SignSearch exact, Duration exactTime) {
        this(randomCorners, restarts, steps, seed, exact, exactTime, null);
    }

    private UnstableWitnesses(int randomCorners, int restarts, int steps, long seed, SignSearch exact, Duration exactTime,
                              Duration exactBudget) {
        if (randomCorners < 0 || restarts < 0 || steps < 0) {
            throw new IllegalArgumentException("random corners, restarts and steps must be >= 0");
        }
        if (exactTime == null || exactTime.isNegative()) {
            throw new IllegalArgumentException("the exact search's time must be >= 0: " + exactTime);
        }
        if (exactBudget != null && exactBudget.isNegative()) {
            throw new IllegalArgumentException("the exact searches' budget must be >= 0: " + exactBudget);
        }
        this.exactBudget = exactBudget;
        this.randomCorners = randomCorners;
        this.restarts = restarts;
        this.steps = steps;
        this.seed = seed;
        this.exact = exact;
        this.exactTime = exactTime;
    }

    /** This attack with another complete search (null for none) and its time per neuron and sign. */
    public UnstableWitnesses withExactSearch(SignSearch search, Duration time) {
        return new UnstableWitnesses(randomCorners, restarts, steps, seed, search, time, null);
    }

    /**
     * As {@link #withExactSearch(SignSearch, Duration)}, with a total time for all complete searches of one
     * {@link #find}: signs not searched when it is spent stay undecided.
     */
    public UnstableWitnesses withExactSearch(SignSearch search, Duration time, Duration budget) {
        return new UnstableWitnesses(randomCorners, restarts, steps, seed, search, time, budget);
    }

    /**
     * Searches witnesses for both signs of every neuron that {@code bounds} leave unstable (other neurons
     * get whatever the evaluated inputs show of them).
     *
     * @param lo     lower corner of the input box
     * @param hi     upper corner of the input box, {@code lo[i] <= hi[i]}
     * @param bounds sound bounds over the box: which neurons to look at, and the exact search's big-M constants
     */
    public Result find(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds) {
        int n = chain.inputSize();
        if (lo.length != n || hi.length != n) {
            throw new IllegalArgumentException("input box has " + lo.length + "/" + hi.length + " entries, the network " + n);
        }
        for (int i = 0; i < n; i++) {
            if (!(lo[i] <= hi[i])) {
                throw new IllegalArgumentException("empty input box at " + i + ": [" + lo[i] + ", " + hi[i] + "]");
            }
        }
        Search s = new Search(chain, lo, hi, bounds);
        SplittableRandom random = new SplittableRandom(seed);
        s.evaluate(s.centre());
        for (int r = 0; r < randomCorners; r++) {
            double[] corner = new double[n];
            for (int i = 0; i < n; i++) {
                corner[i] = random.nextBoolean() ? hi[i] : lo[i];
            }
            s.evaluate(corner);
        }
        for (int layer = 0; layer < chain.reluLayerCount(); layer++) {
            for (int j = 0; j < chain.width(layer); j++) {
                if (bounds.isUnstable(layer, j)) {
                    s.attack(layer, j, true, random);
                    s.attack(layer, j, false, random);
                }
            }
        }
        boolean[][] impossible = new boolean[chain.reluLayerCount()][];
        long start = System.nanoTime();
        for (int layer = 0; layer < chain.reluLayerCount(); layer++) {
            impossible[layer] = new boolean[chain.width(layer)];
            if (exact == null || exactTime.isZero()) {
                continue;
            }
            for (int j = 0; j < chain.width(layer); j++) {
                if (!bounds.isUnstable(layer, j)) {
                    continue;
                }
                for (boolean positive : new boolean[] {true, false}) {
                    Duration limit = exactTime;
                    if (exactBudget != null) {
                        Duration left = exactBudget.minusNanos(System.nanoTime() - start);
                        limit = left.compareTo(limit) < 0 ? left : limit;
                    }
                    if (!impossible[layer][j] && s.witness(layer, j, positive) < 0 && Deadline.nanos(limit) > 0) {
                        SignSearch.Outcome o = exact.search(chain, lo, hi, bounds, layer, j, positive, limit);
                        if (o.input() != null) {
                            s.evaluate(s.clamp(o.input()));
                        }
                        impossible[layer][j] = o.impossible();
                    }
                }
            }
        }
        return new Result(s.points, s.positive, s.negative, s.largest, s.smallest, impossible, s.evaluations);
    }

    /** The state of one {@link #find} call. */
    private final class Search {
        private final ReluChain chain;
        private final double[] lo;
        private final double[] hi;
        private final NetworkBounds bounds;
        /** Index into {@link #points} of an input at which the neuron is positive (negative), or −1. */
        final int[][] positive;
        final int[][] negative;
        /** The largest and smallest value of each neuron seen, and where (index into {@link #records}). */
        final double[][] largest;
        final double[][] smallest;
        private final int[][] largestAt;
        private final int[][] smallestAt;
        /** The witnesses. */
        final List<double[]> points = new ArrayList<>();
        /** The inputs that set some neuron's record: starts for the attack. */
        private final List<double[]> records = new ArrayList<>();
        long evaluations;
        /** Pre-activations at the last evaluated input. */
        private double[][] lastZ;

        Search(ReluChain chain, double[] lo, double[] hi, NetworkBounds bounds) {
            this.chain = chain;
            this.lo = lo;
            this.hi = hi;
            this.bounds = bounds;
            int k = chain.reluLayerCount();
            positive = new int[k][];
            negative = new int[k][];
            largest = new double[k][];
            smallest = new double[k][];
            largestAt = new int[k][];
            smallestAt = new int[k][];
            for (int i = 0; i < k; i++) {
                int w = chain.width(i);
                positive[i] = filled(w, -1);
                negative[i] = filled(w, -1);
                largest[i] = new double[w];
                smallest[i] = new double[w];
                Arrays.fill(largest[i], Double.NEGATIVE_INFINITY);
                Arrays.fill(smallest[i], Double.POSITIVE_INFINITY);
                largestAt[i] = filled(w, -1);
                smallestAt[i] = filled(w, -1);
            }
        }

        private static int[] filled(int n, int v) {
            int[] a = new int[n];
            Arrays.fill(a, v);
            return a;
        }

        double[] centre() {
            double[] c = new double[lo.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = lo[i] + 0.5 * (hi[i] - lo[i]);
            }
            return c;
        }

        double[] clamp(double[] x) {
            double[] c = new double[lo.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
            }
            return c;
        }

        int witness(int layer, int neuron, boolean sign) {
            return sign ? positive[layer][neuron] : negative[layer][neuron];
        }

        /** Forward pass at x (in the box): records every sign it witnesses and every neuron's new extreme. */
        void evaluate(double[] x) {
            evaluations++;
            double[][] z = chain.preActivations(x);
            lastZ = z;
            int record = -1;
            int point = -1;
            for (int i = 0; i < positive.length; i++) {
                double[] zi = z[i];
                double m = 0;
                for (double v : zi) {
                    m = Math.max(m, Math.abs(v));
                }
                double margin = SIGN_MARGIN * (1 + m);
                for (int j = 0; j < zi.length; j++) {
                    double v = zi[j];
                    if (v > largest[i][j] || v < smallest[i][j]) {
                        if (record < 0) {
                            record = records.size();
                            records.add(x.clone());
                        }
                        if (v > largest[i][j]) {
                            largest[i][j] = v;
                            largestAt[i][j] = record;
                        }
                        if (v < smallest[i][j]) {
                            smallest[i][j] = v;
                            smallestAt[i][j] = record;
                        }
                    }
                    boolean newSign = v > margin ? positive[i][j] < 0 : v < -margin && negative[i][j] < 0;
                    if (newSign) {
                        if (point < 0) {
                            point = points.size();
                            points.add(x.clone());
                        }
                        if (v > 0) {
                            positive[i][j] = point;
                        } else {
                            negative[i][j] = point;
                        }
                    }
                }
            }
        }

        /**
         * Projected sign-gradient ascent of ±z[layer][neuron] from the input that came closest to the sign,
         * then from the centre and from random interior points, until the sign is witnessed.
         */
        void attack(int layer, int neuron, boolean sign, SplittableRandom random) {
            for (int r = 0; r < restarts + 2 && witness(layer, neuron, sign) < 0; r++) {
                double[] x;
                if (r == 0) {
                    x = records.get(sign ? largestAt[layer][neuron] : smallestAt[layer][neuron]).clone();
                } else if (r == 1) {
                    x = centre();
                } else {
                    x = new double[lo.length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = lo[i] + random.nextDouble() * (hi[i] - lo[i]);
                    }
                }
                ascend(x, layer, neuron, sign);
            }
        }

        private void ascend(double[] x, int layer, int neuron, boolean sign) {
            double direction = sign ? 1.0 : -1.0;
            for (int t = 0; t < steps; t++) {
                evaluate(x);
                if (witness(layer, neuron, sign) >= 0) {
                    return;
                }
                double[] g = gradient(lastZ, layer, neuron);
                double scale = FIRST_STEP * Math.pow(LAST_STEP / FIRST_STEP, t / (double) Math.max(1, steps - 1));
                for (int i = 0; i < x.length; i++) {
                    double step = direction * Math.signum(g[i]) * scale * (hi[i] - lo[i]);
                    x[i] = Math.min(hi[i], Math.max(lo[i], x[i] + step));
                }
            }
            evaluate(x);
        }

        /**
         * Gradient of z[layer][neuron] with respect to the input at the activation pattern of z, except that
         * an inactive ReLU the bounds leave unstable passes its triangle relaxation's slope u / (u − l) instead
         * of 0: a plain gradient would hide every way through inactive ReLUs, and this is the direction an LP
         * over the relaxation sees.
         */
        private double[] gradient(double[][] z, int layer, int neuron) {
            double[] g = new double[chain.width(layer)];
            g[neuron] = 1.0;
            for (int m = layer; m >= 0; m--) {
                AffineMap a = chain.affine(m);
                double[] in = new double[a.cols()];
                int[] rowStart = a.rowStart();
                int[] col = a.colIndex();
                double[] val = a.values();
                for (int r = 0; r < a.rows(); r++) {
                    double gr = g[r];
                    if (gr == 0) {
                        continue;
                    }
                    for (int k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
                        in[col[k]] += val[k] * gr;
                    }
                }
                if (m > 0) {
                    double[] zp = z[m - 1];
                    double[] l = bounds.lower(m - 1);
                    double[] u = bounds.upper(m - 1);
                    for (int c = 0; c < in.length; c++) {
                        if (!(zp[c] > 0)) {
                            in[c] *= l[c] < 0 && u[c] > 0 ? u[c] / (u[c] - l[c]) : 0.0;
                        }
                    }
                }
                g = in;
            }
            return g;
        }
    }

    /**
     * The witnesses found: for each ReLU layer and neuron, an input at which its pre-activation is positive
     * and one at which it is negative, where found; the extremes seen; the neurons proved stable.
     */
    public static final class Result {
        private final List<double[]> points;
        private final int[][] positive;
        private final int[][] negative;
        private final double[][] largest;
        private final double[][] smallest;
        private final boolean[][] provedStable;
        private final long evaluations;

        Result(List<double[]> points, int[][] positive, int[][] negative, double[][] largest, double[][] smallest,
               boolean[][] provedStable, long evaluations) {
            this.points = List.copyOf(points);
            this.positive = positive;
            this.negative = negative;
            this.largest = largest;
            this.smallest = smallest;
            this.provedStable = provedStable;
            this.evaluations = evaluations;
        }

        /** An input (a copy) at which the neuron's pre-activation is positive, or null if none was found. */
        public double[] positiveWitness(int layer, int neuron) {
            int p = positive[layer][neuron];
            return p < 0 ? null : points.get(p).clone();
        }

        /** An input (a copy) at which the neuron's pre-activation is negative, or null if none was found. */
        public double[] negativeWitness(int layer, int neuron) {
            int p = negative[layer][neuron];
            return p < 0 ? null : points.get(p).clone();
        }

        /** True when inputs of both signs were found: the neuron is unstable under any sound bound. */
        public boolean bothSigns(int layer, int neuron) {
            return positive[layer][neuron] >= 0 && negative[layer][neuron] >= 0;
        }

        /** Neurons of every ReLU layer with witnesses of both signs. */
        public int bothSignsCount() {
            int c = 0;
            for (int i = 0; i < positive.length; i++) {
                for (int j = 0; j < positive[i].length; j++) {
                    c += bothSigns(i, j) ? 1 : 0;
                }
            }
            return c;
        }

        /** The largest pre-activation of the neuron at any evaluated input: a lower bound on its true maximum. */
        public double largestSeen(int layer, int neuron) {
            return largest[layer][neuron];
        }

        /** The smallest pre-activation of the neuron at any evaluated input: an upper bound on its true minimum. */
        public double smallestSeen(int layer, int neuron) {
            return smallest[layer][neuron];
        }

        /**
         * True when the complete search proved one sign impossible for a neuron the given bounds left unstable:
         * the neuron is stable, and tighter bounds could have said so.
         */
        public boolean provedStable(int layer, int neuron) {
            return provedStable[layer][neuron];
        }

        /** Neurons for which {@link #provedStable} holds. */
        public int provedStableCount() {
            int c = 0;
            for (boolean[] layer : provedStable) {
                for (boolean b : layer) {
                    c += b ? 1 : 0;
                }
            }
            return c;
        }

        /** Forward passes the search made. */
        public long evaluations() {
            return evaluations;
        }
    }
}
