package org.certus.milp;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ModelBuilderTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void buildsCompressedRowsAndKeepsNamesAndObjective() {
        ModelBuilder b = new ModelBuilder();
        int x = b.addContinuous(-INF, INF, "x");
        int y = b.addBinary("y");
        int z = b.addContinuous(0, 3);
        int r0 = b.addConstraint(1, new int[] {x, z}, new double[] {2, -1}, 1, "eq");
        int r1 = b.addConstraint(-INF, new int[] {y, x, z}, new double[] {1, 0, 5}, 4);
        b.setObjective(Sense.MAXIMIZE, new int[] {z, y}, new double[] {1.5, -2}, 7);
        Model m = b.build();

        assertEquals(3, m.numVariables());
        assertEquals(2, m.numConstraints());
        assertEquals(4, m.numNonzeros(), "explicit zero coefficient is dropped");
        assertEquals(1, m.numBinaries());
        assertTrue(m.isBinary(y));
        assertEquals(0.0, m.variableLower(y));
        assertEquals(1.0, m.variableUpper(y));
        assertEquals("x", m.variableName(x));
        assertNull(m.variableName(z));
        assertEquals("eq", m.constraintName(r0));
        assertNull(m.constraintName(r1));
        assertArrayEquals(new int[] {x, z}, m.rowIndices(r0));
        assertArrayEquals(new int[] {y, z}, m.rowIndices(r1));
        assertArrayEquals(new double[] {1, 5}, m.rowCoefficients(r1));
        assertEquals(Sense.MAXIMIZE, m.sense());
        assertArrayEquals(new double[] {0, -2, 1.5}, m.objectiveCoefficients());
        assertEquals(7.0, m.objectiveConstant());
        assertEquals(7 + 1.5 * 2 - 2, m.objectiveValue(new double[] {0, 1, 2}));
        assertEquals(2 * 1 - 2, m.rowActivity(r0, new double[] {1, 0, 2}));
    }

    @Test
    void copyOfReproducesTheModelAndTakesMoreRowsWithoutChangingIt() {
        ModelBuilder b = new ModelBuilder();
        int x = b.addContinuous(-INF, 2, "x");
        int y = b.addBinary("y");
        int z = b.addContinuous(0, 3);
        b.addConstraint(1, new int[] {x, z}, new double[] {2, -1}, 1, "eq");
        b.addConstraint(-INF, new int[] {y, z}, new double[] {1, 5}, 4);
        b.setObjective(Sense.MAXIMIZE, new int[] {z, y}, new double[] {1.5, -2}, 7);
        Model m = b.build();

        ModelBuilder copy = ModelBuilder.copyOf(m);
        Model same = copy.build();
        assertEquals(m.toString(), same.toString());
        for (int j = 0; j < 3; j++) {
            assertEquals(m.variableLower(j), same.variableLower(j));
            assertEquals(m.variableUpper(j), same.variableUpper(j));
            assertEquals(m.isBinary(j), same.isBinary(j));
            assertEquals(m.variableName(j), same.variableName(j));
        }
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(m.rowIndices(i), same.rowIndices(i));
            assertArrayEquals(m.rowCoefficients(i), same.rowCoefficients(i));
            assertEquals(m.constraintLower(i), same.constraintLower(i));
            assertEquals(m.constraintUpper(i), same.constraintUpper(i));
            assertEquals(m.constraintName(i), same.constraintName(i));
        }
        assertEquals(m.sense(), same.sense());
        assertArrayEquals(m.objectiveCoefficients(), same.objectiveCoefficients());
        assertEquals(m.objectiveConstant(), same.objectiveConstant());

        copy.addConstraint(-INF, new int[] {x, y}, new double[] {1, 1}, 0.5, "cut");
        Model more = copy.build();
        assertEquals(3, more.numConstraints());
        assertEquals("cut", more.constraintName(2));
        assertEquals(2, m.numConstraints(), "the original is unchanged");
    }

    @Test
    void modelIsASnapshot() {
        ModelBuilder b = new ModelBuilder();
        int[] idx = {b.addContinuous(0, 1)};
        double[] coef = {3};
        b.addConstraint(0, idx, coef, 1);
        Model m = b.build();
        coef[0] = 99;
        b.addContinuous(0, 1);
        assertEquals(1, m.numVariables());
        assertEquals(3.0, m.entryValue(0));
    }

    @Test
    void rejectsBadInputWithOneExceptionTypeNamingThePlace() {
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(0, 1);
        assertMessage(() -> b.addContinuous(2, 1), "variable 1", "lo > hi");
        assertMessage(() -> b.addContinuous(Double.NaN, 1), "variable 1", "NaN");
        assertMessage(() -> b.addContinuous(INF, INF), "variable 1", "empty");
        assertMessage(() -> b.addConstraint(0, new int[] {0}, new double[] {Double.NaN}, 1), "constraint 0", "NaN");
        assertMessage(() -> b.addConstraint(0, new int[] {0}, new double[] {INF}, 1), "constraint 0", "Infinity");
        assertMessage(() -> b.addConstraint(0, new int[] {5}, new double[] {1}, 1), "constraint 0", "out of range");
        assertMessage(() -> b.addConstraint(0, new int[] {0, 0}, new double[] {1, 1}, 1), "constraint 0", "twice");
        assertMessage(() -> b.addConstraint(2, new int[] {0}, new double[] {1}, 1, "cap"), "constraint 0 'cap'", "lo > hi");
        assertMessage(() -> b.addConstraint(0, new int[] {0}, new double[] {1, 2}, 1), "constraint 0", "equal length");
        assertMessage(() -> b.setObjective(Sense.MINIMIZE, new int[] {-1}, new double[] {1}, 0), "objective", "out of range");
        assertMessage(() -> b.setObjective(Sense.MINIMIZE, new int[] {0}, new double[] {1}, Double.NaN), "objective", "NaN");
        assertEquals(0, b.numConstraints(), "rejected rows leave no trace");
        assertEquals(0, b.build().numNonzeros());
    }

    private static void assertMessage(Runnable r, String where, String what) {
        MilpException e = assertThrows(MilpException.class, r::run);
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(what), e.getMessage());
    }
}
