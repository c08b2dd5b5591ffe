package org.certus.milp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MpsWriterTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    static LongStream seeds() {
        return LongStream.range(1, 31);
    }

    /** A model with every row and bound kind, names, binaries and a constant. */
    static Model everyKind(Sense sense) {
        ModelBuilder b = new ModelBuilder();
        b.addContinuous(-INF, INF, "free");
        b.addContinuous(-INF, 2.5, "minus");
        b.addBinary("d");
        b.addContinuous(1.25, INF, "plus");
        b.addContinuous(-3, -3, "fixed");
        b.addContinuous(0, 7, "has space"); // unusable name: replaced
        b.addContinuous(0, INF);
        b.addBinary();
        b.addConstraint(1, new int[] {0, 1}, new double[] {1, -2}, 1, "eq");
        b.addConstraint(-INF, new int[] {2, 3}, new double[] {0.1, 3}, 4, "le");
        b.addConstraint(-2, new int[] {4, 5, 7}, new double[] {1, 1, 1}, INF, "ge");
        b.addConstraint(0.1, new int[] {0, 3}, new double[] {1, 1}, 0.7, "rng");
        b.addConstraint(-INF, new int[] {5}, new double[] {1}, INF, "free_row");
        b.setObjective(sense, new int[] {0, 3, 2}, new double[] {1, -1.5, 2}, 4.5);
        return b.build();
    }

    @Test
    void roundTripOfEveryKind() {
        for (Sense sense : Sense.values()) {
            Model m = everyKind(sense);
            String mps = MpsWriter.toMps(m, "every kind");
            assertTrue(mps.contains("'INTORG'") && mps.contains("'INTEND'"), mps);
            assertTrue(mps.contains(" BV BND d"), mps);
            assertTrue(mps.contains(" FR BND free") && mps.contains(" MI BND minus") && mps.contains(" PL BND plus")
                    && mps.contains(" FX BND fixed -3.0"), mps);
            assertTrue(mps.contains("RANGES"), mps);
            assertEquals(sense == Sense.MAXIMIZE, mps.contains("OBJSENSE"), mps);
            assertSameModel(m, TinyMpsReader.read(mps), "sense " + sense);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void roundTripOfRandomModels(long seed) {
        Random rnd = new Random(seed);
        Model base = RandomLps.feasible(rnd, 2 + rnd.nextInt(15), rnd.nextInt(15),
                rnd.nextBoolean() ? Sense.MINIMIZE : Sense.MAXIMIZE);
        // Add binaries and odd bounds on top of the random LP.
        ModelBuilder b = new ModelBuilder();
        for (int j = 0; j < base.numVariables(); j++) {
            int kind = rnd.nextInt(5);
            if (kind == 0) {
                b.addBinary();
            } else if (kind == 1) {
                b.addContinuous(-INF, base.variableUpper(j));
            } else {
                b.addContinuous(base.variableLower(j), base.variableUpper(j));
            }
        }
        for (int i = 0; i < base.numConstraints(); i++) {
            b.addConstraint(base.constraintLower(i), base.rowIndices(i), base.rowCoefficients(i), base.constraintUpper(i));
        }
        int[] all = new int[base.numVariables()];
        for (int j = 0; j < all.length; j++) {
            all[j] = j;
        }
        b.setObjective(base.sense(), all, base.objectiveCoefficients(), base.objectiveConstant());
        Model m = b.build();
        assertSameModel(m, TinyMpsReader.read(MpsWriter.toMps(m, null)), "seed " + seed);
    }

    @Test
    void safeRangeContainsTheRowWhenTheDifferenceIsInexact() {
        double lo = 0.1;
        double hi = 1e16 + 2;
        double r = MpsWriter.safeRange(lo, hi);
        assertTrue(hi - r <= lo);
    }

    /** Optional: GLPK reads the file and finds the same LP optimum. Skipped when glpsol is absent. */
    @Test
    void glpsolReadsTheFileWhenInstalled(@TempDir Path dir) throws Exception {
        Path glpsol = null;
        for (String p : new String[] {"/usr/bin/glpsol", "/usr/local/bin/glpsol"}) {
            if (Files.isExecutable(Path.of(p))) {
                glpsol = Path.of(p);
            }
        }
        Assumptions.assumeTrue(glpsol != null, "glpsol not installed (apt-get install glpk-utils); skipping");
        // GLPK 5.0 rejects the OBJSENSE section ("invalid indicator record"), so only MINIMIZE is checked.
        for (Sense sense : new Sense[] {Sense.MINIMIZE}) {
        Model m = everyKind(sense);
        Path file = dir.resolve("m.mps");
        Files.writeString(file, MpsWriter.toMps(m, "t"), StandardCharsets.US_ASCII);
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(glpsol.toString(), "--freemps", file.toString(), "--nomip", "-o", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "glpsol timed out");
        assertEquals(0, p.exitValue(), log);
        LpResult r = new OjAlgoLpSolver(m).solve();
        String report = Files.readString(out);
        assertTrue(report.contains("Objective:"), report);
        double glpk = Double.parseDouble(report.replaceAll("(?s).*Objective:\\s+\\S+\\s+=\\s+(\\S+).*", "$1"));
        assertEquals(r.objectiveValue(), glpk, 1e-6, report);
        }
    }

    static void assertSameModel(Model a, Model b, String where) {
        assertEquals(a.numVariables(), b.numVariables(), where);
        assertEquals(a.numConstraints(), b.numConstraints(), where);
        assertEquals(a.sense(), b.sense(), where);
        assertEquals(a.objectiveConstant(), b.objectiveConstant(), 0.0, where);
        assertArrayEquals(a.objectiveCoefficients(), b.objectiveCoefficients(), 0.0, where);
        for (int j = 0; j < a.numVariables(); j++) {
            assertEquals(a.isBinary(j), b.isBinary(j), where + " var " + j);
            assertEquals(a.variableLower(j), b.variableLower(j), 0.0, where + " var " + j);
            assertEquals(a.variableUpper(j), b.variableUpper(j), 0.0, where + " var " + j);
        }
        for (int i = 0; i < a.numConstraints(); i++) {
            assertArrayEquals(a.rowIndices(i), b.rowIndices(i), where + " row " + i);
            assertArrayEquals(a.rowCoefficients(i), b.rowCoefficients(i), 0.0, where + " row " + i);
            assertEquals(a.constraintUpper(i), b.constraintUpper(i), 0.0, where + " row " + i);
            double lo = a.constraintLower(i);
            double readLo = b.constraintLower(i);
            if (Double.isFinite(lo) && Double.isFinite(a.constraintUpper(i)) && lo != a.constraintUpper(i)) {
                // Ranged rows may widen by a few ulps of the larger side (documented containment).
                double slack = 4 * Math.ulp(Math.max(Math.abs(lo), Math.abs(a.constraintUpper(i))));
                assertTrue(readLo <= lo && readLo >= lo - slack, where + " row " + i + ": " + readLo + " vs " + lo);
            } else {
                assertEquals(lo, readLo, 0.0, where + " row " + i);
            }
        }
    }

    /** Minimal free-MPS reader for the subset {@link MpsWriter} emits (test oracle only). */
    static final class TinyMpsReader {

        static Model read(String text) {
            Map<String, Character> rowType = new LinkedHashMap<>();
            Map<String, Integer> rowIndex = new HashMap<>();
            Map<String, Integer> colIndex = new LinkedHashMap<>();
            Map<Integer, Map<Integer, Double>> rows = new HashMap<>();
            Map<String, Double> rhs = new HashMap<>();
            Map<String, Double> ranges = new HashMap<>();
            Map<Integer, double[]> bounds = new HashMap<>();
            Map<Integer, Boolean> integer = new HashMap<>();
            Map<Integer, Double> cost = new HashMap<>();
            Sense sense = Sense.MINIMIZE;
            String objective = null;
            String section = "";
            boolean inInt = false;
            for (String raw : text.split("\n")) {
                if (raw.isBlank()) {
                    continue;
                }
                String[] f = raw.trim().split("\\s+");
                if (!Character.isWhitespace(raw.charAt(0))) {
                    section = f[0];
                    continue;
                }
                switch (section) {
                    case "OBJSENSE":
                        sense = f[0].equals("MAX") ? Sense.MAXIMIZE : Sense.MINIMIZE;
                        break;
                    case "ROWS":
                        if (f[0].equals("N") && objective == null) {
                            objective = f[1];
                        } else {
                            rowIndex.put(f[1], rowIndex.size());
                            rowType.put(f[1], f[0].charAt(0));
                        }
                        break;
                    case "COLUMNS":
                        if (f[1].equals("'MARKER'")) {
                            inInt = f[2].equals("'INTORG'");
                            break;
                        }
                        int j = colIndex.computeIfAbsent(f[0], k -> colIndex.size());
                        integer.put(j, inInt);
                        for (int t = 1; t + 1 < f.length; t += 2) {
                            double v = Double.parseDouble(f[t + 1]);
                            if (f[t].equals(objective)) {
                                cost.put(j, v);
                            } else {
                                rows.computeIfAbsent(rowIndex.get(f[t]), k -> new LinkedHashMap<>()).put(j, v);
                            }
                        }
                        break;
                    case "RHS":
                        rhs.put(f[1], Double.parseDouble(f[2]));
                        break;
                    case "RANGES":
                        ranges.put(f[1], Double.parseDouble(f[2]));
                        break;
                    case "BOUNDS": {
                        int c = colIndex.get(f[2]);
                        double[] bd = bounds.computeIfAbsent(c, k -> new double[] {0, INF});
                        switch (f[0]) {
                            case "BV": bd[0] = 0; bd[1] = 1; break;
                            case "FR": bd[0] = -INF; bd[1] = INF; break;
                            case "MI": bd[0] = -INF; break;
                            case "PL": bd[1] = INF; break;
                            case "LO": bd[0] = Double.parseDouble(f[3]); break;
                            case "UP": bd[1] = Double.parseDouble(f[3]); break;
                            case "FX": bd[0] = bd[1] = Double.parseDouble(f[3]); break;
                            default: throw new IllegalStateException(raw);
                        }
                        break;
                    }
                    default:
                        throw new IllegalStateException("unexpected line in " + section + ": " + raw);
                }
            }
            // The writer's constant column (fixed at 1) folds back into the objective constant.
            double constant = 0.0;
            Integer constCol = colIndex.get(MpsWriter.CONSTANT_COLUMN);
            if (constCol != null) {
                assertEquals(colIndex.size() - 1, constCol.intValue(), "constant column comes last");
                assertArrayEquals(new double[] {1, 1}, bounds.get(constCol));
                constant = cost.remove(constCol);
                colIndex.remove(MpsWriter.CONSTANT_COLUMN);
            }
            assertFalse(rhs.containsKey(objective), "no RHS on the objective row");
            ModelBuilder b = new ModelBuilder();
            for (int j = 0; j < colIndex.size(); j++) {
                double[] bd = bounds.getOrDefault(j, new double[] {0, INF});
                if (integer.getOrDefault(j, false)) {
                    assertArrayEquals(new double[] {0, 1}, bd);
                    b.addBinary();
                } else {
                    b.addContinuous(bd[0], bd[1]);
                }
            }
            for (Map.Entry<String, Character> e : rowType.entrySet()) {
                int i = rowIndex.get(e.getKey());
                Map<Integer, Double> r = rows.getOrDefault(i, Map.of());
                int[] idx = r.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                double[] coef = new double[idx.length];
                for (int k = 0; k < idx.length; k++) {
                    coef[k] = r.get(idx[k]);
                }
                double v = rhs.getOrDefault(e.getKey(), 0.0);
                double lo;
                double hi;
                switch (e.getValue()) {
                    case 'E': lo = v; hi = v; break;
                    case 'G': lo = v; hi = INF; break;
                    case 'N': lo = -INF; hi = INF; break;
                    default:
                        hi = v;
                        lo = ranges.containsKey(e.getKey()) ? v - Math.abs(ranges.get(e.getKey())) : -INF;
                }
                b.addConstraint(lo, idx, coef, hi);
            }
            int[] idx = cost.keySet().stream().mapToInt(Integer::intValue).toArray();
            double[] coef = new double[idx.length];
            for (int k = 0; k < idx.length; k++) {
                coef[k] = cost.get(idx[k]);
            }
            b.setObjective(sense, idx, coef, constant);
            return b.build();
        }
    }
}
