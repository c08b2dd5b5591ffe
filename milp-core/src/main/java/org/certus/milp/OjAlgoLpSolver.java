package org.certus.milp;


import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.linear.LinearSolver;
import org.ojalgo.structure.Mutate1D;

/**
 * {@link LpSolver} on ojAlgo's dual simplex ({@code LinearSolver.newBuilder}).
 *
 * <p><b>How the model is mapped.</b> ojAlgo's builder minimises {@code c·x} subject to rows
 * {@code a·x <= b} and {@code a·x = b} and per-variable ranges. A model row with {@code lo == hi}
 * becomes an equality; a finite {@code hi} becomes {@code a·x <= hi}; a finite {@code lo} becomes
 * {@code -a·x <= -lo} (so a ranged row costs two rows); a row with both sides infinite is dropped.
 * Maximisation is solved as minimisation of {@code -c}. Duals are mapped back to one value per model
 * row with the sign convention of {@link LpResult}.
 *
 * <p><b>Warm starts.</b> {@link #setVariableBounds} calls ojAlgo's {@code updateRange}, after which
 * {@link #solve()} continues from the previous basis (dual simplex); measured 10–40x faster than a
 * cold solve with identical results. After an INFEASIBLE or failed solve, ojAlgo starts the next solve
 * from scratch internally. ojAlgo 57.1 has no way to change objective coefficients (or rows) of a built
 * solver, so {@link #setObjective} rebuilds the solver from a cached builder: the next solve is cold.
 * For many objectives over the same constraints (bound tightening) use one solver per objective
 * family and prefer bound changes between solves; see {@code LpResolveBenchmark} for the costs.
 *
 * <p><b>Sparse vs dense.</b> ojAlgo's {@code options.sparse} selects the sparse revised store. On a
 * ReLU-network-shaped LP (784-250-250-10, ~20% unstable; {@code LpResolveBenchmark}, JMH sample-time
 * medians on 2 cores, 1 fork, short runs) sparse was the faster: cold solve 2.43 s sparse vs 3.45 s
 * dense; warm re-solve after one bound change 105 ms sparse vs 205 ms dense. Sparse is the default.
 * An objective change (rebuild + cold solve) cost 2.6 s sparse / 2.25 s dense, i.e. a cold solve.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class OjAlgoLpSolver implements LpSolver {

    /**
     * Primal feasibility the results are expected to meet, absolute, on rows and bounds:
     * ojAlgo's default feasibility context is 1e-8 relative on scaled data; this looser constant is what
     * the property tests check on unscaled rows with coefficients of order 1. Never use it for soundness;
     * use {@link SafeLpBound} for rigorous statements.
     */
    public static final double FEASIBILITY_TOLERANCE = 1e-6;

    private final Model model;
    private final boolean sparse;
    private final int n;
    private final double[] lo;
    private final double[] hi;
    /** Objective in minimisation form (already multiplied by the sense sign). */
    private final double[] cMin;
    private Sense sense;
    private double constant;

    // Row mapping: index of the ojAlgo inequality for a·x <= hi, for -a·x <= -lo, and the equality; -1 if none.
    private final int[] ineqHi;
    private final int[] ineqLo;
    private final int[] eqRow;
    private final int numIneq;

    private LinearSolver.Builder builder;
    private LinearSolver solver;
    private boolean needsBuild = true;

    /** A sparse-store solver for the LP relaxation of {@code model}. */
    public OjAlgoLpSolver(Model model) {
        this(model, true);
    }

    /**
     * @param sparse ojAlgo's {@code options.sparse}; {@code true} is the measured faster default
     */
    public OjAlgoLpSolver(Model model, boolean sparse) {
        this.model = model;
        this.sparse = sparse;
        this.n = model.numVariables();
        this.lo = new double[n];
        this.hi = new double[n];
        for (int j = 0; j < n; j++) {
            lo[j] = model.variableLower(j);
            hi[j] = model.variableUpper(j);
        }
        this.sense = model.sense();
        this.constant = model.objectiveConstant();
        this.cMin = model.objectiveCoefficients();
        double s = sense.sign();
        for (int j = 0; j < n; j++) {
            cMin[j] *= s;
        }
        int m = model.numConstraints();
        ineqHi = new int[m];
        ineqLo = new int[m];
        eqRow = new int[m];
        int ni = 0;
        int ne = 0;
        for (int i = 0; i < m; i++) {
            double rl = model.constraintLower(i);
            double rh = model.constraintUpper(i);
            ineqHi[i] = -1;
            ineqLo[i] = -1;
            eqRow[i] = -1;
            if (rl == rh) {
                eqRow[i] = ne++;
            } else {
                if (rh != Double.POSITIVE_INFINITY) {
                    ineqHi[i] = ni++;
                }
                if (rl != Double.NEGATIVE_INFINITY) {
                    ineqLo[i] = ni++;
                }
            }
        }
        this.numIneq = ni;
    }

    private OjAlgoLpSolver(OjAlgoLpSolver other) {
        this(other.model, other.sparse);
        System.arraycopy(other.lo, 0, lo, 0, n);
        System.arraycopy(other.hi, 0, hi, 0, n);
        System.arraycopy(other.cMin, 0, cMin, 0, n);
        this.sense = other.sense;
        this.constant = other.constant;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public LpSolver copy() {
        return new OjAlgoLpSolver(this);
    }

    @Override
    public double variableLower(int j) {
        checkIndex(j);
        return lo[j];
    }

    @Override
    public double variableUpper(int j) {
        checkIndex(j);
        return hi[j];
    }

    @Override
    public void setVariableBounds(int j, double newLo, double newHi) {
        checkIndex(j);
        ModelBuilder.checkBounds("variable " + j, newLo, newHi);
        lo[j] = newLo;
        hi[j] = newHi;
        if (!needsBuild && !solver.updateRange(j, newLo, newHi)) {
            needsBuild = true;
        }
    }

    @Override
    public void resetBounds() {
        for (int j = 0; j < n; j++) {
            if (lo[j] != model.variableLower(j) || hi[j] != model.variableUpper(j)) {
                setVariableBounds(j, model.variableLower(j), model.variableUpper(j));
            }
        }
    }

    @Override
    public void setObjective(int[] idx, double[] coef, Sense newSense) {
        if (idx == null || coef == null || idx.length != coef.length || newSense == null) {
            throw new MilpException("objective: arrays must be non-null and of equal length, sense non-null");
        }
        double[] c = new double[n];
        for (int k = 0; k < idx.length; k++) {
            checkIndex(idx[k]);
            if (!Double.isFinite(coef[k])) {
                throw new MilpException("objective: coefficient of variable " + idx[k] + " is " + coef[k]);
            }
            c[idx[k]] += coef[k];
        }
        double s = newSense.sign();
        for (int j = 0; j < n; j++) {
            cMin[j] = s * c[j];
        }
        sense = newSense;
        constant = 0.0;
        // ojAlgo cannot change the cost vector of a built solver: rebuild (cold) on the next solve.
        needsBuild = true;
    }

    private long timeLimitMillis;

    @Override
    public void setTimeLimit(long millis) {
        if (millis < 0) {
            throw new MilpException("time limit must be >= 0 ms, got " + millis);
        }
        if (millis != timeLimitMillis) {
            timeLimitMillis = millis;
            needsBuild = true;
        }
    }

    @Override
    public LpResult solve() {
        if (model.numConstraints() == 0 || numIneq + countEqualities() == 0) {
            return solveBoxOnly();
        }
        Optimisation.Result r;
        try {
            if (needsBuild) {
                rebuild();
            }
            r = solver.solve();
        } catch (RuntimeException e) {
            needsBuild = true;
            return new LpResult(LpStatus.ERROR, Double.NaN, null, null, null);
        }
        LpStatus status = map(r.getState());
        if (status == LpStatus.ERROR) {
            needsBuild = true;
        }
        if (status != LpStatus.OPTIMAL) {
            return new LpResult(status, Double.NaN, null, null, null);
        }
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = r.doubleValue(j);
        }
        double s = sense.sign();
        int m = model.numConstraints();
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            // ojAlgo's multipliers satisfy c + Aᵀμ = r, i.e. μ = -y in the c - Aᵀy convention; a row
            // written as -a·x <= -lo contributes with the opposite sign for the original a.
            double yi = 0.0;
            if (eqRow[i] >= 0) {
                yi = -solver.getDualMultiplier(numIneq + eqRow[i]);
            } else {
                if (ineqHi[i] >= 0) {
                    yi -= solver.getDualMultiplier(ineqHi[i]);
                }
                if (ineqLo[i] >= 0) {
                    yi += solver.getDualMultiplier(ineqLo[i]);
                }
            }
            y[i] = s * yi;
        }
        double[] rc = new double[n];
        for (int j = 0; j < n; j++) {
            rc[j] = s * solver.getReducedGradient(j);
        }
        double obj = constant;
        for (int j = 0; j < n; j++) {
            if (cMin[j] != 0.0) {
                obj += s * cMin[j] * x[j];
            }
        }
        return new LpResult(LpStatus.OPTIMAL, obj, x, y, rc);
    }

    private int countEqualities() {
        int count = 0;
        for (int e : eqRow) {
            if (e >= 0) {
                count++;
            }
        }
        return count;
    }

    /** No effective rows: the optimum sits at a box corner; ojAlgo rejects row-less problems. */
    private LpResult solveBoxOnly() {
        double[] x = new double[n];
        double s = sense.sign();
        double obj = constant;
        for (int j = 0; j < n; j++) {
            double c = cMin[j];
            double v = c > 0 ? lo[j] : c < 0 ? hi[j] : (lo[j] > 0 ? lo[j] : hi[j] < 0 ? hi[j] : 0.0);
            if (Double.isInfinite(v)) {
                return new LpResult(LpStatus.UNBOUNDED, Double.NaN, null, null, null);
            }
            x[j] = v;
            obj += s * c * v;
        }
        double[] rc = new double[n];
        for (int j = 0; j < n; j++) {
            rc[j] = s * cMin[j];
        }
        return new LpResult(LpStatus.OPTIMAL, obj, x, new double[model.numConstraints()], rc);
    }

    private void rebuild() {
        if (builder == null) {
            builder = LinearSolver.newBuilder(cMin.clone());
            int m = model.numConstraints();
            // Inequalities get ojAlgo indices in the order they are added, which matches ineqHi/ineqLo.
            for (int i = 0; i < m; i++) {
                if (ineqHi[i] >= 0) {
                    Mutate1D row = builder.inequality(model.constraintUpper(i));
                    for (int k = model.rowStart(i), end = model.rowEnd(i); k < end; k++) {
                        row.set(model.entryColumn(k), model.entryValue(k));
                    }
                }
                if (ineqLo[i] >= 0) {
                    Mutate1D row = builder.inequality(-model.constraintLower(i));
                    for (int k = model.rowStart(i), end = model.rowEnd(i); k < end; k++) {
                        row.set(model.entryColumn(k), -model.entryValue(k));
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                if (eqRow[i] >= 0) {
                    Mutate1D row = builder.equality(model.constraintLower(i));
                    for (int k = model.rowStart(i), end = model.rowEnd(i); k < end; k++) {
                        row.set(model.entryColumn(k), model.entryValue(k));
                    }
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                builder.objective(j, cMin[j]);
            }
        }
        for (int j = 0; j < n; j++) {
            builder.range(j, lo[j], hi[j]);
        }
        Optimisation.Options options = new Optimisation.Options();
        options.sparse = sparse;
        if (timeLimitMillis > 0) {
            // ojAlgo checks this between simplex iterations; options are fixed when the solver is built.
            options.time_abort = timeLimitMillis;
        }
        solver = builder.build(options);
        needsBuild = false;
    }

    private static LpStatus map(Optimisation.State state) {
        switch (state) {
            case OPTIMAL:
            case DISTINCT:
                return LpStatus.OPTIMAL;
            case INFEASIBLE:
                return LpStatus.INFEASIBLE;
            case UNBOUNDED:
                return LpStatus.UNBOUNDED;
            case FEASIBLE:
            case APPROXIMATE:
                return LpStatus.LIMIT;
            default:
                return LpStatus.ERROR;
        }
    }

    private void checkIndex(int j) {
        if (j < 0 || j >= n) {
            throw new MilpException("variable index " + j + " out of range [0, " + n + ")");
        }
    }
}
