package org.certus.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Seeded random property tests. A failure message starts with its seed; replay it by fixing
 * {@code seed} in the failing test.
 */
class VnnlibRoundTripPropertyTest {

    private static final long BASE_SEED = 0x5EED_0001L;

    /** Values that stress number formatting: signed zeros, ±1, extremes, subnormals, and ordinary ones. */
    private static final double[] NASTY = {0.0, -0.0, 1.0, -1.0, 0.1, -0.5, 3.991125645861615, 1e-300,
            -4.9e-324, 1.7976931348623157e308, -2.5e20, 123456789.0};

    private static double value(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return NASTY[r.nextInt(NASTY.length)];
            case 1:
                return r.nextInt(11) - 5;
            case 2:
                return r.nextGaussian() * Math.pow(10, r.nextInt(21) - 10);
            default:
                return r.nextDouble() * 2 - 1;
        }
    }

    private static InputBox randomBox(Random r, int n) {
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            double a = value(r);
            double b = r.nextInt(5) == 0 ? a : value(r); // sometimes a point
            lo[i] = Math.min(a, b);
            hi[i] = Math.max(a, b);
        }
        return new InputBox(lo, hi);
    }

    private static LinearConstraint randomConstraint(Random r, int m) {
        double[] a = new double[m];
        int shape = r.nextInt(4);
        if (shape == 0) { // Y_i <= Y_k, the commonest shape in VNN-COMP
            int i = r.nextInt(m);
            int k = r.nextInt(m);
            a[i] = 1;
            if (k != i) {
                a[k] = -1;
            }
            return new LinearConstraint(a, k != i ? 0.0 : value(r));
        }
        if (shape == 1) { // single output against a constant, either direction
            a[r.nextInt(m)] = r.nextBoolean() ? 1 : -1;
            return new LinearConstraint(a, value(r));
        }
        for (int j = 0; j < m; j++) {
            a[j] = r.nextInt(3) == 0 ? 0.0 : value(r);
        }
        a[r.nextInt(m)] = r.nextBoolean() ? 2.5 : -7.0; // never all zero
        return new LinearConstraint(a, value(r));
    }

    static VnnlibProperty randomProperty(Random r) {
        int n = 1 + r.nextInt(6);
        int m = 1 + r.nextInt(5);
        int caseCount = r.nextInt(3) == 0 ? 2 + r.nextInt(3) : 1;
        Set<InputBox> boxes = new HashSet<>(); // the reader merges cases with equal boxes
        List<VnnlibProperty.Case> cases = new ArrayList<>();
        while (cases.size() < caseCount) {
            InputBox box = randomBox(r, n);
            if (!boxes.add(box)) {
                continue;
            }
            List<Conjunction> disjuncts = new ArrayList<>();
            int d = 1 + r.nextInt(4);
            for (int k = 0; k < d; k++) {
                List<LinearConstraint> cs = new ArrayList<>();
                int c = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(4);
                for (int t = 0; t < c; t++) {
                    cs.add(randomConstraint(r, m));
                }
                disjuncts.add(new Conjunction(m, cs));
            }
            cases.add(new VnnlibProperty.Case(box, new OutputCondition(m, disjuncts)));
        }
        return new VnnlibProperty(cases);
    }

    @RepeatedTest(200)
    void writerThenParserGivesAnEqualProperty(RepetitionInfo info) {
        long seed = BASE_SEED + info.getCurrentRepetition();
        VnnlibProperty p = randomProperty(new Random(seed));
        String text = VnnlibWriter.write(p);
        VnnlibProperty back = VnnlibTestText.parse(text, p.inputCount(), p.outputCount());
        assertEquals(p, back, () -> "seed " + seed + "\n" + text);
        assertEquals(text, VnnlibWriter.write(back), () -> "seed " + seed + ": writing is deterministic");
    }

    // --- the parser's normal form means what the formula means -------------------------------------

    /** A random formula as VNN-LIB text together with its meaning, evaluated directly. */
    private record Formula(String text, BiPredicate<double[], double[]> holds) {
    }

    private static final int INPUTS = 2;
    private static final int OUTPUTS = 3;
    private static final double BOX_HIGH = 4.0;

    /**
     * Atoms use small integers so that every evaluation below is exact in floating point (no boundary
     * rounding). Input atoms are lower bounds inside the global box only, so no disjunct is empty or
     * unbounded.
     */
    private static Formula randomAtom(Random r) {
        int kind = r.nextInt(5);
        int i = r.nextInt(OUTPUTS);
        int k = (i + 1 + r.nextInt(OUTPUTS - 1)) % OUTPUTS; // k != i: Y_i - Y_i has no variables left
        int c = r.nextInt(7) - 3;
        switch (kind) {
            case 0:
                return new Formula("(<= Y_" + i + " " + c + ")", (x, y) -> y[i] <= c);
            case 1:
                return new Formula("(>= Y_" + i + " Y_" + k + ")", (x, y) -> y[i] >= y[k]);
            case 2:
                return new Formula("(>= (+ Y_" + i + " (* -2 Y_" + k + ")) (- " + c + "))",
                        (x, y) -> y[i] - 2 * y[k] >= -c);
            case 3:
                return new Formula("(= Y_" + i + " " + c + ")", (x, y) -> y[i] == c);
            default:
                int xi = r.nextInt(INPUTS);
                int lo = r.nextInt((int) BOX_HIGH);
                return new Formula("(>= X_" + xi + " " + lo + ")", (x, y) -> x[xi] >= lo);
        }
    }

    private static Formula randomFormula(Random r, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) {
            return randomAtom(r);
        }
        boolean and = r.nextBoolean();
        int n = 1 + r.nextInt(3);
        List<Formula> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder(and ? "(and" : "(or");
        for (int k = 0; k < n; k++) {
            Formula f = randomFormula(r, depth - 1);
            parts.add(f);
            text.append(' ').append(f.text());
        }
        return new Formula(text.append(')').toString(), (x, y) -> and
                ? parts.stream().allMatch(f -> f.holds().test(x, y))
                : parts.stream().anyMatch(f -> f.holds().test(x, y)));
    }

    @RepeatedTest(120)
    void normalFormAgreesWithTheFormulaOnEveryPoint(RepetitionInfo info) {
        long seed = BASE_SEED * 31 + info.getCurrentRepetition();
        Random r = new Random(seed);
        List<Formula> asserts = new ArrayList<>();
        for (int a = 1 + r.nextInt(3); a > 0; a--) {
            asserts.add(randomFormula(r, 3));
        }
        StringBuilder text = new StringBuilder(VnnlibTestText.declarations(INPUTS, OUTPUTS));
        text.append(VnnlibTestText.box(INPUTS, 0, BOX_HIGH));
        asserts.forEach(f -> text.append("(assert ").append(f.text()).append(")\n"));
        VnnlibProperty p = VnnlibTestText.parse(text.toString(), INPUTS, OUTPUTS);
        for (int s = 0; s < 300; s++) {
            double[] x = new double[INPUTS];
            double[] y = new double[OUTPUTS];
            for (int i = 0; i < INPUTS; i++) {
                x[i] = r.nextInt(2 * (int) BOX_HIGH + 3) * 0.5 - 0.5; // also just outside the box
            }
            for (int j = 0; j < OUTPUTS; j++) {
                y[j] = r.nextInt(13) * 0.5 - 3;
            }
            boolean inBox = x[0] >= 0 && x[0] <= BOX_HIGH && x[1] >= 0 && x[1] <= BOX_HIGH;
            boolean expected = inBox && asserts.stream().allMatch(f -> f.holds().test(x, y));
            assertEquals(expected, p.isCounterexample(x, y, 0.0, 0.0),
                    () -> "seed " + seed + " x=" + java.util.Arrays.toString(x) + " y=" + java.util.Arrays.toString(y)
                            + "\n" + text);
        }
    }
}
