package org.certus.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    private static LinearConstraint c(double rhs, double... a) {
        return new LinearConstraint(a, rhs);
    }

    @Test
    void slackIsRhsMinusDotProduct() {
        LinearConstraint k = c(1.0, 2.0, -1.0, 0.0);
        assertEquals(1.0 - (2.0 * 3.0 - 1.0 * 4.0), k.slack(new double[] {3.0, 4.0, 100.0}), 0.0);
        assertTrue(k.isSatisfiedBy(new double[] {0.5, 0.0, 7.0}, 0.0)); // 1 <= 1, on the boundary
        assertFalse(k.isSatisfiedBy(new double[] {0.5 + 1e-6, 0.0, 7.0}, 0.0));
        assertTrue(k.isSatisfiedBy(new double[] {0.5 + 1e-6, 0.0, 7.0}, 1e-5));
        assertFalse(k.isSatisfiedBy(new double[] {Double.NaN, 0.0, 0.0}, 1.0), "NaN outputs never satisfy");
    }

    @Test
    void constraintCopiesItsArrayBothWays() {
        double[] a = {1.0, 2.0};
        LinearConstraint k = new LinearConstraint(a, 0.0);
        a[0] = 99.0;
        assertEquals(1.0, k.coefficient(0));
        k.coefficients()[1] = 99.0;
        assertEquals(2.0, k.coefficient(1));
    }

    @Test
    void constraintEqualityIsByValueAndIgnoresSignOfZero() {
        assertEquals(c(0.0, 1.0, 0.0), c(-0.0, 1.0, -0.0));
        assertEquals(c(0.0, 1.0, 0.0).hashCode(), c(-0.0, 1.0, -0.0).hashCode());
        assertNotEquals(c(0.0, 1.0, 0.0), c(0.0, 1.0, 1.0));
        assertEquals("-Y_0 + 2.5*Y_2 <= 3.0", c(3.0, -1.0, 0.0, 2.5).toString());
    }

    @Test
    void constraintRejectsBadValues() {
        assertThrows(SpecException.class, () -> c(0.0));
        assertThrows(SpecException.class, () -> c(0.0, 0.0, 0.0));
        assertThrows(SpecException.class, () -> c(Double.NaN, 1.0));
        assertThrows(SpecException.class, () -> c(0.0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> c(0.0, 1.0).slack(new double[2]));
        assertThrows(IllegalArgumentException.class, () -> c(0.0, 1.0).isSatisfiedBy(new double[1], -1.0));
    }

    @Test
    void conjunctionAndDisjunctionSemantics() {
        Conjunction y0Max = new Conjunction(List.of(c(0.0, -1.0, 1.0, 0.0), c(0.0, -1.0, 0.0, 1.0)));
        Conjunction y1Big = new Conjunction(List.of(c(-5.0, 0.0, -1.0, 0.0)));
        OutputCondition either = new OutputCondition(List.of(y0Max, y1Big));
        assertEquals(3, either.outputCount());
        assertTrue(either.isSatisfiedBy(new double[] {3, 2, 1}, 0.0));
        assertTrue(either.isSatisfiedBy(new double[] {0, 6, 1}, 0.0));
        assertFalse(either.isSatisfiedBy(new double[] {0, 4, 1}, 0.0));
        Conjunction always = new Conjunction(3, List.of());
        assertTrue(always.isSatisfiedBy(new double[] {0, 0, 0}, 0.0));
    }

    @Test
    void conditionsRejectMismatchedOrMissingParts() {
        assertThrows(SpecException.class, () -> new Conjunction(List.of()));
        assertThrows(SpecException.class, () -> new Conjunction(List.of(c(0, 1.0), c(0, 1.0, 2.0))));
        assertThrows(SpecException.class, () -> new OutputCondition(List.of()));
        assertThrows(SpecException.class, () -> new OutputCondition(3, List.of(new Conjunction(2, List.of()))));
    }

    @Test
    void boxValidatesAndContains() {
        InputBox box = new InputBox(new double[] {0, -1}, new double[] {1, -1});
        assertEquals(2, box.dimension());
        assertTrue(box.contains(new double[] {0.5, -1}, 0.0));
        assertFalse(box.contains(new double[] {1.01, -1}, 0.0));
        assertTrue(box.contains(new double[] {1.01, -1}, 0.02));
        assertFalse(box.contains(new double[] {Double.NaN, -1}, 1.0));
        SpecException e = assertThrows(SpecException.class,
                () -> new InputBox(new double[] {0, 2}, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("X_1"), e.getMessage());
        assertEquals(SpecException.NO_POSITION, e.line());
        assertThrows(SpecException.class, () -> new InputBox(new double[] {0}, new double[] {1, 2}));
        assertThrows(SpecException.class, () -> new InputBox(new double[] {Double.NEGATIVE_INFINITY}, new double[] {1}));
        assertThrows(SpecException.class, () -> new InputBox(new double[0], new double[0]));
    }

    @Test
    void boxCopiesItsArrays() {
        double[] lo = {0.0};
        InputBox box = new InputBox(lo, new double[] {1.0});
        lo[0] = -5.0;
        box.lower()[0] = -7.0;
        assertArrayEquals(new double[] {0.0}, box.lower());
        assertEquals(new InputBox(new double[] {-0.0}, new double[] {1.0}), box);
    }

    @Test
    void propertyFindsCounterexamplesCaseByCase() {
        OutputCondition y0Big = new OutputCondition(List.of(new Conjunction(List.of(c(-1.0, -1.0)))));
        OutputCondition y0Small = new OutputCondition(List.of(new Conjunction(List.of(c(-1.0, 1.0)))));
        VnnlibProperty p = new VnnlibProperty(List.of(
                new VnnlibProperty.Case(new InputBox(new double[] {0}, new double[] {1}), y0Big),
                new VnnlibProperty.Case(new InputBox(new double[] {2}, new double[] {3}), y0Small)));
        assertEquals(1, p.inputCount());
        assertEquals(1, p.outputCount());
        assertTrue(p.isCounterexample(new double[] {0.5}, new double[] {2}, 0, 0));
        assertFalse(p.isCounterexample(new double[] {0.5}, new double[] {-2}, 0, 0), "wrong case for this x");
        assertTrue(p.isCounterexample(new double[] {2.5}, new double[] {-2}, 0, 0));
        assertFalse(p.isCounterexample(new double[] {1.5}, new double[] {2}, 0, 0), "x in no box");
        assertThrows(SpecException.class, () -> new VnnlibProperty(List.of()));
        assertThrows(SpecException.class, () -> new VnnlibProperty(List.of(
                new VnnlibProperty.Case(new InputBox(new double[] {0}, new double[] {1}), y0Big),
                new VnnlibProperty.Case(new InputBox(new double[] {0, 0}, new double[] {1, 1}), y0Big))));
    }
}
