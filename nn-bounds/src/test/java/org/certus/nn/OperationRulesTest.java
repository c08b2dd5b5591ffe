package org.certus.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.certus.bounds.ArithmeticModel;
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.encode.LinearExpression;
import org.certus.encode.MilpEncoder;
import org.certus.encode.PreActivationModel;
import org.certus.milp.LpResult;
import org.certus.milp.LpStatus;
import org.certus.milp.OjAlgoLpSolver;
import org.certus.milp.Sense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation's rules against each other on random instances and inputs ({@link RandomOperations}):
 * the exact forward pass lies inside the interval rule's bounds; a float32 evaluation is within the
 * operation's own float32 error bound of the exact value at the same float inputs; input errors pass
 * through within {@link Operation#propagateError}; the lowered chain computes the same function; the
 * engine's symbolic bounds of the lowered chain (the operation's linear relaxation) contain the double
 * and float32 evaluations; and the MILP encoding of the lowered chain is feasible at each point, with
 * the output's LP range containing its value.
 */
class OperationRulesTest {
    static Stream<Arguments> cases() {
        return RandomOperations.COVERED.stream().flatMap(c -> LongStream.range(0, 40).mapToObj(s -> Arguments.of(c.getSimpleName(), c, s)));
    }

    @ParameterizedTest(name = "{0} seed {2}")
    @MethodSource("cases")
    void rulesAgree(String name, Class<? extends Operation> type, long seed) {
        Random rnd = new Random(seed * 131 + name.hashCode());
        RandomOperations.Instance inst = RandomOperations.random(type, rnd);
        Operation op = inst.op();
        List<Shape> shapes = inst.inputs();
        String where = name + " seed " + seed + ": " + inst;
        int k = shapes.size();
        int outSize = op.outputShape(shapes).size();

        // Interval rule: the forward pass of points of the box stays inside.
        double[][] lo = new double[k][], hi = new double[k][];
        for (int t = 0; t < k; t++) {
            lo[t] = new double[shapes.get(t).size()];
            hi[t] = new double[lo[t].length];
            for (int i = 0; i < lo[t].length; i++) {
                double c = rnd.nextGaussian(), r = rnd.nextDouble();
                lo[t][i] = c - r;
                hi[t][i] = c + r;
            }
        }
        double[] outLo = new double[outSize], outHi = new double[outSize];
        op.interval(shapes, lo, hi, outLo, outHi);
        for (int s = 0; s < 30; s++) {
            double[][] x = new double[k][];
            for (int t = 0; t < k; t++) {
                x[t] = new double[lo[t].length];
                for (int i = 0; i < x[t].length; i++) {
                    x[t][i] = s == 0 ? lo[t][i] : s == 1 ? hi[t][i]
                            : Math.min(hi[t][i], lo[t][i] + rnd.nextDouble() * (hi[t][i] - lo[t][i]));
                }
            }
            double[] y = new double[outSize];
            op.forward(shapes, x, y);
            for (int o = 0; o < outSize; o++) {
                assertTrue(y[o] >= outLo[o] && y[o] <= outHi[o], where + ": output " + o + " = " + y[o] + " outside ["
                        + outLo[o] + ", " + outHi[o] + "]");
            }
        }

        // Float32: |fl32(op(x)) − op(x)| within the own error bound, at float inputs; errors pass through.
        for (int s = 0; s < 30; s++) {
            double scale = s % 3 == 0 ? 300 : 1;
            float[][] xf = new float[k][];
            double[][] xd = new double[k][], mag = new double[k][], delta = new double[k][], err = new double[k][], xp = new double[k][];
            for (int t = 0; t < k; t++) {
                int n = shapes.get(t).size();
                xf[t] = new float[n];
                xd[t] = new double[n];
                mag[t] = new double[n];
                delta[t] = new double[n];
                err[t] = new double[n];
                xp[t] = new double[n];
                for (int i = 0; i < n; i++) {
                    xf[t][i] = (float) (rnd.nextGaussian() * scale);
                    xd[t][i] = xf[t][i];
                    mag[t][i] = Math.abs(xd[t][i]);
                    err[t][i] = rnd.nextDouble() * 0.01;
                    delta[t][i] = (2 * rnd.nextDouble() - 1) * err[t][i];
                    xp[t][i] = xd[t][i] + delta[t][i];
                }
            }
            float[] yf = new float[outSize];
            op.forwardFloat32(shapes, xf, yf);
            double[] yd = new double[outSize];
            op.forward(shapes, xd, yd);
            double[] bound = op.float32Error(shapes, mag);
            for (int o = 0; o < outSize; o++) {
                assertTrue(Math.abs(yf[o] - yd[o]) <= bound[o], where + ": float32 output " + o + " off by " + Math.abs(yf[o] - yd[o])
                        + ", bound " + bound[o]);
            }
            double[] yp = new double[outSize];
            op.forward(shapes, xp, yp);
            double[] pass = op.propagateError(shapes, err);
            for (int o = 0; o < outSize; o++) {
                double slack = 1e-12 * (1 + Math.abs(yd[o]));
                assertTrue(Math.abs(yp[o] - yd[o]) <= pass[o] + slack, where + ": input errors moved output " + o + " by "
                        + Math.abs(yp[o] - yd[o]) + ", bound " + pass[o]);
            }
        }

        // The lowering: a network of this one operation (inputs cut from one flat input when there are several).
        Network net = single(op, shapes);
        double[] boxLo = new double[net.inputSize()], boxHi = new double[net.inputSize()];
        for (int i = 0; i < boxLo.length; i++) {
            double c = rnd.nextGaussian();
            boxLo[i] = c - 0.5;
            boxHi[i] = c + 0.5;
        }
        ReluChain chain = ReluChain.of(net, boxLo, boxHi);
        NetworkBounds bounds = new SymbolicPropagator(false, null, ArithmeticModel.FLOAT32).propagate(chain, boxLo, boxHi);
        Float32Evaluation f32 = new Float32Evaluation(net);
        int kk = chain.reluLayerCount();
        for (int s = 0; s < 10; s++) {
            double[] x = new double[boxLo.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (boxLo[i] + rnd.nextDouble() * (boxHi[i] - boxLo[i]));
                x[i] = Math.max(boxLo[i], Math.min(boxHi[i], x[i]));
            }
            double[] y = net.evaluate(x);
            double[] yc = chain.evaluate(x);
            double[] y32 = f32.evaluate(x);
            for (int o = 0; o < y.length; o++) {
                assertEquals(y[o], yc[o], 1e-9 * (1 + Math.abs(y[o])), where + ": lowered chain, output " + o);
                double l = bounds.lower(kk)[o], u = bounds.upper(kk)[o];
                assertTrue(y[o] >= l && y[o] <= u, where + ": output " + o + " = " + y[o] + " outside the symbolic bounds [" + l + ", " + u + "]");
                assertTrue(y32[o] >= l && y32[o] <= u, where + ": float32 output " + o + " = " + y32[o] + " outside [" + l + ", " + u + "]");
            }
            // The MILP encoding over the point's own box is feasible and its outputs' LP range holds the value.
            double[][] lower = new double[kk + 1][], upper = new double[kk + 1][], errs = new double[kk + 1][];
            for (int j = 0; j <= kk; j++) {
                lower[j] = bounds.lower(j);
                upper[j] = bounds.upper(j);
                errs[j] = bounds.evaluationError(j);
            }
            int[] rows = new int[y.length];
            for (int o = 0; o < rows.length; o++) {
                rows[o] = o;
            }
            PreActivationModel pm = MilpEncoder.preActivations(chain, x, x, lower, upper, errs, kk, rows);
            for (int o = 0; o < rows.length; o++) {
                LinearExpression z = pm.preActivations()[o];
                double e = pm.evaluationErrors()[o];
                double min = lp(pm, z, Sense.MINIMIZE, where) - e, max = lp(pm, z, Sense.MAXIMIZE, where) + e;
                double tol = 1e-6 * (1 + Math.abs(y[o]));
                assertTrue(y[o] >= min - tol && y[o] <= max + tol, where + ": MILP relaxation at the point gives [" + min + ", " + max
                        + "] for output " + o + " = " + y[o]);
            }
        }
    }

    private static double lp(PreActivationModel pm, LinearExpression z, Sense sense, String where) {
        OjAlgoLpSolver lp = new OjAlgoLpSolver(pm.model());
        lp.setObjective(z.idx(), z.coef(), sense);
        LpResult r = lp.solve();
        assertEquals(LpStatus.OPTIMAL, r.status(), where + ": the MILP's relaxation at a point of the box is not feasible");
        return r.objectiveValue() + z.constant();
    }

    /** A network whose only computing node is {@code op}; several inputs are slices of one flat input. */
    static Network single(Operation op, List<Shape> shapes) {
        if (shapes.size() == 1) {
            return new Network(op.describe(), shapes.get(0), InputDomain.uniform(shapes.get(0).size(), -10, 10), List.of(op));
        }
        int total = 0;
        for (Shape s : shapes) {
            total += s.size();
        }
        List<Network.Node> nodes = new ArrayList<>();
        int at = 0;
        int[] parts = new int[shapes.size()];
        for (int t = 0; t < shapes.size(); t++) {
            int[] src = new int[shapes.get(t).size()];
            for (int i = 0; i < src.length; i++) {
                src[i] = at + i;
            }
            at += src.length;
            nodes.add(new Network.Node(new IndexSelect("Slice", shapes.get(t), src, 0.0), new int[] {0}));
            parts[t] = nodes.size();
        }
        nodes.add(new Network.Node(op, parts));
        return Network.graph(op.describe(), Shape.flat(total), InputDomain.uniform(total, -10, 10), nodes);
    }

    /** Every operation class of the model has a generator, so the rules above are checked for it. */
    @Test
    void everyOperationClassIsCovered() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String name : classNames()) {
            Class<?> c = Class.forName(name);
            if (Operation.class.isAssignableFrom(c) && !c.isInterface() && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())
                    && !RandomOperations.COVERED.contains(c)) {
                missing.add(c.getSimpleName());
            }
        }
        assertTrue(missing.isEmpty(), "operations without a generator in RandomOperations: " + missing + " (covered: "
                + Arrays.toString(RandomOperations.COVERED.stream().map(Class::getSimpleName).toArray()) + ")");
    }

    /** The top-level classes of package org.certus.nn where {@link Operation} was loaded from (a folder or a jar). */
    private static List<String> classNames() throws Exception {
        File where = new File(Operation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (where.isDirectory()) {
            for (String f : new File(where, "org/certus/nn").list()) {
                if (f.endsWith(".class") && !f.contains("$")) {
                    names.add("org.certus.nn." + f.substring(0, f.length() - 6));
                }
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where)) {
                jar.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.startsWith("org/certus/nn/") && n.endsWith(".class") && !n.contains("$")
                                && n.indexOf('/', "org/certus/nn/".length()) < 0)
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        }
        assertTrue(names.size() > 10, "found only " + names + " in " + where);
        return names;
    }
}
