package org.certus.spec;

import static org.certus.spec.VnnlibTestText.box;
import static org.certus.spec.VnnlibTestText.declarations;
import static org.certus.spec.VnnlibTestText.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gives a {@link SpecException} that says what and at which line:column. */
class VnnlibParserErrorTest {

    private static final String DECL_1_1 = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n";
    private static final String BOX_1 = "(assert (>= X_0 0))\n(assert (<= X_0 1))\n"; // lines 3 and 4 after DECL_1_1

    private static SpecException assertError(String text, int inputs, int outputs, int line, int column,
            String... fragments) {
        SpecException e = assertThrows(SpecException.class, () -> parse(text, inputs, outputs));
        String message = e.getMessage();
        assertTrue(message.startsWith("test.vnnlib:" + line + ":" + column + ": "), message);
        assertEquals(line, e.line(), message);
        assertEquals(column, e.column(), message);
        assertEquals("test.vnnlib", e.source());
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "'" + f + "' not in: " + message);
        }
        return e;
    }

    /**
     * VNN-LIB 1.0 has only {@code <=} and {@code >=}. Reading {@code >} as {@code >=} turned
     * {@code X_0 <= 0.6 ∧ X_0 > 0.6} (empty, so unsat) into the point 0.6, and a "counterexample" there.
     */
    @Test
    void strictInequalitiesAreRefusedWithTheirPosition() {
        assertError(DECL_1_1 + "(assert (<= X_0 0.6))\n(assert (> X_0 0.6))\n(assert (>= X_0 0))", 1, 1, 4, 9,
                "strict inequality '>'", "VNN-LIB", ">=");
        assertError(DECL_1_1 + BOX_1 + "(assert (or (<= Y_0 1) (< Y_0 -1)))", 1, 1, 5, 24, "strict inequality '<'", "<=");
    }

    @Test
    void undeclaredVariable() {
        assertError(DECL_1_1 + BOX_1 + "(assert (>= X_1 0))", 1, 1, 5, 13, "undeclared variable X_1");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 (+ 1 Y_3)))", 1, 1, 5, 22, "undeclared variable Y_3");
        assertError("(assert (<= X_0 1))\n" + DECL_1_1, 1, 1, 1, 13, "undeclared variable X_0");
        assertError(DECL_1_1 + "(assert (<= Z 1))", 1, 1, 3, 13, "unknown symbol 'Z'");
    }

    @Test
    void indexOutOfRangeForTheNetwork() {
        assertError(declarations(5, 0) + "(declare-const X_5 Real)", 5, 5, 6, 16,
                "index out of range", "X_5", "5 inputs (X_0..X_4)");
        assertError(declarations(1, 2) + "  (declare-const Y_2 Real)", 1, 2, 4, 18,
                "index out of range", "Y_2", "2 outputs (Y_0..Y_1)");
        assertError("(declare-const X_99999999999999999999 Real)", 1, 1, 1, 16, "index out of range");
    }

    @Test
    void declaredVariableCountMismatch() {
        assertError(declarations(4, 5) + box(4, 0, 1), 5, 5, 4, 16,
                "declared variable count mismatch", "4 input", "5 inputs");
        assertError(declarations(1, 1) + "(declare-const Y_1 Real)\n" + box(1, 0, 1), 1, 3, 3, 16,
                "declared variable count mismatch", "2 output", "3 outputs");
        // nothing declared at all: the position is the end of the input
        assertError("; empty\n\n", 1, 1, 3, 1, "declared variable count mismatch", "0 input");
    }

    @Test
    void lowerBoundAboveUpperBound() {
        assertError(DECL_1_1 + "(assert (<= X_0 0.5))\n  (assert (>= X_0 0.6))\n(assert (<= Y_0 0))", 1, 1, 4, 11,
                "empty input box", "X_0", "0.6", "0.5", "(at 3:9)");
        // only the tightest bounds count, whichever order they come in
        assertError(DECL_1_1 + "(assert (>= X_0 2))\n(assert (<= X_0 9))\n(assert (<= X_0 1))", 1, 1, 5, 9,
                "empty input box");
    }

    @Test
    void unboundedInput() {
        String text = declarations(2, 1) + "(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (<= X_1 1))\n";
        assertError(text, 2, 1, 2, 16, "unbounded input", "X_1 has no lower bound");
        assertError(declarations(1, 1) + "(assert (>= X_0 0))", 1, 1, 1, 16, "unbounded input", "no upper bound");
        // bounded in one disjunct, not in the other
        assertError(DECL_1_1 + "(assert (or (and (>= X_0 0) (<= X_0 1)) (>= X_0 5)))", 1, 1, 1, 16,
                "unbounded input", "no upper bound", "disjunct 2 of 2");
    }

    @Test
    void unbalancedParentheses() {
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 0)))\n", 1, 1, 5, 20, "unbalanced parentheses");
        assertError(")", 1, 1, 1, 1, "unbalanced parentheses");
    }

    @Test
    void unexpectedEndOfInput() {
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 0)\n", 1, 1, 6, 1,
                "unexpected end of input", "'(' opened at 5:1 is not closed");
        assertError(DECL_1_1 + "(assert (<= Y_0", 1, 1, 3, 16, "unexpected end of input", "opened at 3:9");
    }

    @Test
    void unknownConstructs() {
        assertError(DECL_1_1 + BOX_1 + "(check-sat)", 1, 1, 5, 1, "unknown construct 'check-sat'");
        assertError(DECL_1_1 + BOX_1 + "(assert (foo Y_0 1))", 1, 1, 5, 9, "unknown construct 'foo'");
        assertError(DECL_1_1 + BOX_1 + "(assert (not (<= Y_0 1)))", 1, 1, 5, 9, "unsupported construct 'not'");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= (/ Y_0 2) 1))", 1, 1, 5, 13, "unknown construct '/'");
        assertError(DECL_1_1 + BOX_1 + "(assert Y_0)", 1, 1, 5, 9, "unknown construct 'Y_0'");
        assertError(DECL_1_1 + BOX_1 + "(assert ())", 1, 1, 5, 9, "unknown construct '()'");
        assertError(DECL_1_1 + BOX_1 + "assert", 1, 1, 5, 1, "unknown construct 'assert'");
        assertError(DECL_1_1 + BOX_1 + "(assert (or))", 1, 1, 5, 9, "'or' needs at least one operand");
    }

    @Test
    void generalInputPolytopesAreUnsupported() {
        String decl = declarations(2, 1) + box(2, 0, 1); // 7 lines
        assertError(decl + "(assert (<= (+ X_0 X_1) 1))", 2, 1, 8, 9,
                "unsupported construct", "general input polytopes are not supported");
        assertError(decl + "(assert (<= X_0 Y_0))", 2, 1, 8, 9,
                "unsupported construct", "mixes inputs (X) and outputs (Y)", "general input polytopes");
        assertError(decl + "(assert (<= 1 2))", 2, 1, 8, 9, "unsupported construct", "without variables");
        assertError(decl + "(assert (<= (- Y_0 Y_0) 2))", 2, 1, 8, 9, "without variables");
        assertError(decl + "(assert (<= (* Y_0 Y_0) 2))", 2, 1, 8, 13, "not linear");
    }

    @Test
    void malformedDeclarationsAndAtoms() {
        assertError("(declare-const X_0 Int)", 1, 1, 1, 20, "unsupported sort 'Int'");
        assertError("(declare-const x0 Real)", 1, 1, 1, 16, "unsupported variable name 'x0'");
        assertError("(declare-const X_01 Real)", 1, 1, 1, 16, "unsupported variable name 'X_01'");
        assertError("(declare-const X_0)", 1, 1, 1, 1, "malformed declaration");
        assertError(DECL_1_1 + "(declare-const X_0 Real)", 1, 1, 3, 16, "X_0 is declared twice (first at 1:16)");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 1 2))", 1, 1, 5, 9, "needs exactly 2 operands, got 3");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 1e999))", 1, 1, 5, 17, "number out of range");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 (-)))", 1, 1, 5, 17, "'-' needs at least 1 operand");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 Infinity))", 1, 1, 5, 17, "unknown symbol 'Infinity'");
        assertError(DECL_1_1 + BOX_1 + "(assert (<= Y_0 1) (<= Y_0 2))", 1, 1, 5, 1, "'assert' takes one formula");
    }

    @Test
    void normalFormThatExplodesIsRefused() {
        StringBuilder text = new StringBuilder(DECL_1_1 + BOX_1);
        // each assert doubles the disjuncts: 2^13 = 8192 is allowed, 2^14 = 16384 is not
        for (int i = 0; i < 14; i++) {
            text.append("(assert (or (<= Y_0 ").append(i).append(") (>= Y_0 ").append(i + 100).append(")))\n");
        }
        assertError(text.toString(), 1, 1, 18, 1, "16384 disjuncts", "limit of " + VnnlibParser.MAX_DISJUNCTS);
        StringBuilder nested = new StringBuilder(DECL_1_1 + BOX_1 + "(assert\n (and");
        for (int i = 0; i < 14; i++) {
            nested.append(" (or (<= Y_0 0) (>= Y_0 1))");
        }
        assertError(nested.append("))").toString(), 1, 1, 6, 2, "16384 disjuncts");
    }

    @Test
    void nestingTooDeepIsAnErrorNotAStackOverflow() {
        String text = DECL_1_1 + BOX_1 + "(assert " + "(and ".repeat(100_000);
        assertError(text, 1, 1, 5, 9 + 5 * (SExpressionReader.MAX_DEPTH - 1), "nested deeper than");
    }

    @Test
    void pathsAreNamedInMessages(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.vnnlib");
        Files.writeString(file, DECL_1_1 + "(assert (<= X_0 1)");
        SpecException e = assertThrows(SpecException.class, () -> VnnlibParser.parse(file, 1, 1));
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VnnlibParser.parse(file, 0, 1));
    }
}
