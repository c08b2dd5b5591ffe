package org.certus.spec;

import static org.certus.spec.VnnlibTestText.box;
import static org.certus.spec.VnnlibTestText.declarations;
import static org.certus.spec.VnnlibTestText.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Language features of the parser, each on a small hand-written text. */
class VnnlibParserTest {

    private static LinearConstraint onlyConstraint(VnnlibProperty p) {
        List<LinearConstraint> cs = p.cases().get(0).condition().disjuncts().get(0).constraints();
        assertEquals(1, cs.size(), cs.toString());
        return cs.get(0);
    }

    private static LinearConstraint outputAtom(String atom) {
        return onlyConstraint(parse(declarations(1, 3) + box(1, 0, 1) + "(assert " + atom + ")", 1, 3));
    }

    @Test
    void numbersInDecimalScientificAndNegatedForms() {
        assertEquals(new LinearConstraint(new double[] {1, 0, 0}, -0.5), outputAtom("(<= Y_0 -0.5)"));
        assertEquals(new LinearConstraint(new double[] {1, 0, 0}, -0.5), outputAtom("(<= Y_0 (- 0.5))"));
        assertEquals(new LinearConstraint(new double[] {1, 0, 0}, 1.5e-3), outputAtom("(<= Y_0 1.5E-3)"));
        assertEquals(new LinearConstraint(new double[] {1, 0, 0}, 0.25), outputAtom("(<= Y_0 .25)"));
        assertEquals(new LinearConstraint(new double[] {1, 0, 0}, 3.0), outputAtom("(<= Y_0 +3)"));
        assertEquals(new LinearConstraint(new double[] {-1, 0, 0}, 0.0), outputAtom("(>= Y_0 -0.0)"));
    }

    @Test
    void comparisonsOfTwoVariablesAndConstantsOnEitherSide() {
        assertEquals(new LinearConstraint(new double[] {0, 1, -1}, 0.0), outputAtom("(<= Y_1 Y_2)"));
        assertEquals(new LinearConstraint(new double[] {0, -1, 1}, 0.0), outputAtom("(>= Y_1 Y_2)"));
        assertEquals(new LinearConstraint(new double[] {-1, 0, 0}, -2.0), outputAtom("(<= 2 Y_0)"));
    }

    @Test
    void linearTerms() {
        assertEquals(new LinearConstraint(new double[] {2, -1, 0.5}, 1.0),
                outputAtom("(<= (+ (* 2 Y_0) (- Y_1) (* Y_2 0.5)) 1)"));
        assertEquals(new LinearConstraint(new double[] {1, -1, -1}, 4.0),
                outputAtom("(<= (- Y_0 Y_1 Y_2 1) 3)"));
        assertEquals(new LinearConstraint(new double[] {3, 0, 0}, 0.0),
                outputAtom("(<= (+ Y_0 Y_0 Y_0) 0)"));
        assertEquals(new LinearConstraint(new double[] {-6, 0, 0}, 0.0),
                outputAtom("(<= (* -2 (+ Y_0 Y_0) 1.5) 0)"));
    }

    @Test
    void equalityGivesTwoConstraintsOrAPointBound() {
        VnnlibProperty p = parse(declarations(2, 2) + "(assert (= X_0 0.25))\n"
                + "(assert (>= X_1 -1)) (assert (<= X_1 1))\n(assert (= Y_0 Y_1))", 2, 2);
        InputBox b = p.cases().get(0).box();
        assertEquals(0.25, b.lower(0));
        assertEquals(0.25, b.upper(0));
        assertEquals(List.of(new LinearConstraint(new double[] {1, -1}, 0), new LinearConstraint(new double[] {-1, 1}, 0)),
                p.cases().get(0).condition().disjuncts().get(0).constraints());
    }

    @Test
    void repeatedBoundsAreIntersected() {
        String text = declarations(1, 1)
                + "(assert (<= X_0 1)) (assert (<= X_0 0.5)) (assert (<= X_0 0.75))\n"
                + "(assert (>= X_0 -1)) (assert (and (>= X_0 -0.25) (>= X_0 -2)))\n"
                + "(assert (<= (* 4 X_0) 1.5))\n" // X_0 <= 0.375
                + "(assert (>= (- X_0) -9))\n"   // X_0 <= 9
                + "(assert (<= Y_0 0))";
        InputBox b = parse(text, 1, 1).cases().get(0).box();
        assertEquals(-0.25, b.lower(0));
        assertEquals(0.375, b.upper(0));
    }

    @Test
    void noOutputConstraintMeansTheWholeBoxIsUnsafe() {
        VnnlibProperty p = parse(declarations(1, 2) + box(1, 0, 1), 1, 2);
        assertEquals(List.of(new Conjunction(2, List.of())), p.cases().get(0).condition().disjuncts());
    }

    @Test
    void nestedAndOrIsDistributed() {
        // (Y0 <= 0 or Y1 <= 0) and (Y0 >= 1 or Y1 >= 1) -> 4 disjuncts, in order
        VnnlibProperty p = parse(declarations(1, 2) + box(1, 0, 1)
                + "(assert (and (or (<= Y_0 0) (<= Y_1 0)) (or (>= Y_0 1) (>= Y_1 1))))", 1, 2);
        List<Conjunction> d = p.cases().get(0).condition().disjuncts();
        assertEquals(4, d.size());
        LinearConstraint y0le0 = new LinearConstraint(new double[] {1, 0}, 0);
        LinearConstraint y1ge1 = new LinearConstraint(new double[] {0, -1}, -1);
        assertEquals(List.of(y0le0, y1ge1), d.get(1).constraints());
    }

    @Test
    void disjunctsMixingBoxesAndOutputsBecomeCases() {
        String text = declarations(1, 1) + "(assert (or\n"
                + "  (and (>= X_0 0) (<= X_0 1) (<= Y_0 0))\n"
                + "  (and (>= X_0 2) (<= X_0 3) (>= Y_0 5))\n"
                + "  (and (>= X_0 0) (<= X_0 1) (>= Y_0 9))))";
        VnnlibProperty p = parse(text, 1, 1);
        assertEquals(2, p.cases().size(), "disjuncts 1 and 3 share a box");
        assertEquals(2, p.cases().get(0).condition().disjuncts().size());
        assertEquals(1, p.cases().get(1).condition().disjuncts().size());
        assertArrayEquals(new double[] {2}, p.cases().get(1).box().lower());
    }

    @Test
    void commentsBlankLinesAndLineEndings() {
        String text = "; header ; with (parens)\r\n(declare-const X_0 Real) ; trailing\r(declare-const Y_0 Real)\n"
                + "\t(assert (<= X_0 1));(assert (<= X_0 -5))\n(assert (>= X_0 0))\n\n(assert (<= Y_0 0))";
        InputBox b = parse(text, 1, 1).cases().get(0).box();
        assertEquals(1.0, b.upper(0));
    }

    @Test
    void declarationsMayComeInAnyOrder() {
        String text = "(declare-const Y_1 Real)(declare-const X_1 Real)(declare-const Y_0 Real)(declare-const X_0 Real)"
                + box(2, 0, 1) + "(assert (<= Y_1 Y_0))";
        assertEquals(new LinearConstraint(new double[] {-1, 1}, 0.0), onlyConstraint(parse(text, 2, 2)));
    }
}
