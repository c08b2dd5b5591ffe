package org.certus.bnb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.certus.nn.AffineMap;
import org.certus.nn.Dense;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.Network;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Networks built to exploit float32 rounding, after Jia &amp; Rinard, "Exploiting Verified Neural
 * Networks via Floating Point Numerical Error" (2020). The core gadget: {@code h1 = relu(s·x + c)},
 * {@code h2 = relu(s·x)}, {@code y0 = a·(h1 − h2)}, {@code y1 = t} with {@code 0 < t < a·c}. In real
 * arithmetic {@code y0 − y1 = a·c − t > 0} on the whole box (robust: "label 0 wins"); in float32
 * {@code c} is below half an ulp of {@code s·x}, so {@code fl(s·x + c) = fl(s·x)}, {@code y0 = 0 < t}:
 * every point of the box is a float32 counterexample. Double keeps {@code c}, so the double margin
 * stays positive and a counterexample is valid only in float32.
 *
 * <p>The family varies the scale {@code s ∈ [10^6, 10^9]}, the offset, the input dimension (1–5),
 * "lifting" layers before the gadget (positive diagonal layers that grow the values), carry layers
 * after it, and where the difference is taken (in the output layer or in a hidden ReLU layer).
 * The unsafe set (label 0 does not win) is the single row {@code y0 − y1 <= 0}.
 *
 * <p>Asserted: sound mode (the default) never answers VERIFIED here — with or without the attack;
 * when it answers FALSIFIED, the counterexample lies in the box, violates in float32 (checked again
 * here with {@link Float32Evaluation}) and is flagged as not valid in double. The control group is
 * the same construction with a well-scaled gadget where float32 and double agree: sound mode
 * verifies all of it. Fast mode's answers are tallied and printed: with the attack off it answers
 * VERIFIED on the adversarial family (the documented risk of {@code --fast}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FloatingPointAdversarialTest {
    static final int CASES = 120;
    static final Duration LIMIT = Duration.ofSeconds(10);

    /** Tallies per mode, printed after the class (documentation of fast mode's behaviour). */
    static final Map<String, Map<VerdictStatus, Integer>> TALLY = new java.util.TreeMap<>();

    static LongStream seeds() {
        return LongStream.range(0, CASES);
    }

    /** One gadget network with its box and the property; {@code adversarial} chooses the offset. */
    record Gadget(Network network, double[] lo, double[] hi, AffineMap unsafe, String description) {
        VerificationQuery query() {
            return new VerificationQuery(network, lo, hi, List.of(unsafe));
        }
    }

    static float f(double v) {
        return (float) v;
    }

    static Gadget gadget(long seed, boolean adversarial) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(5);
        int lifts = rnd.nextInt(3);
        int carries = rnd.nextInt(2);
        boolean diffInHidden = rnd.nextBoolean();
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = f(0.5 + rnd.nextDouble());
            hi[i] = f(lo[i] + 0.01 + rnd.nextDouble());
        }
        List<Operation> layers = new ArrayList<>();
        // Lifting layers: h = relu(diag(α) h), α ∈ [1, 4): values only grow, stay positive.
        double[] vMin = lo.clone();
        for (int l = 0; l < lifts; l++) {
            double[] w = new double[n * n];
            for (int i = 0; i < n; i++) {
                float alpha = f(1 + 3 * rnd.nextDouble());
                w[i * n + i] = alpha;
                vMin[i] = f(vMin[i] * alpha) * (1 - 1e-6);
            }
            layers.add(new Dense(n, n, w, new double[n]));
            layers.add(new Relu());
        }
        // The gadget: two neurons with the same weights, one with a small offset c.
        double scale = adversarial ? Math.pow(10, 6 + 3 * rnd.nextDouble()) : Math.pow(10, 2 * rnd.nextDouble());
        double[] w = new double[2 * n];
        double sumMin = 0;
        for (int i = 0; i < n; i++) {
            float wi = f(scale * (0.5 + rnd.nextDouble()));
            w[i] = wi;
            w[n + i] = wi;
            sumMin += wi * vMin[i];
        }
        // Below half an ulp of the smallest float32 value of the weighted sum: lost in float32.
        double halfUlp = 0.5 * Math.ulp(f(sumMin * (1 - 1e-6)));
        float c = adversarial ? f(halfUlp * (0.1 + 0.8 * rnd.nextDouble())) : f(0.5 + rnd.nextDouble());
        layers.add(new Dense(n, 2, w, new double[] {c, 0}));
        layers.add(new Relu());
        for (int l = 0; l < carries; l++) {
            layers.add(new Dense(2, 2, new double[] {1, 0, 0, 1}, new double[2]));
            layers.add(new Relu());
        }
        float a = f(Math.pow(2, rnd.nextInt(7) - 3) / c); // a·c ≈ 1/8 … 8
        double ac = new BigDecimal(a).multiply(new BigDecimal(c)).doubleValue();
        float beta = 0f;
        int width = 2;
        if (diffInHidden) {
            // g = relu(a·h1 − a·h2 + β): real a·c + β, float32 β.
            beta = f(ac * (0.1 + rnd.nextDouble()));
            layers.add(new Dense(2, 1, new double[] {a, -a}, new double[] {beta}));
            layers.add(new Relu());
            width = 1;
        }
        float t = f(beta + ac * (0.2 + 0.6 * rnd.nextDouble()));
        double[] outW = diffInHidden ? new double[] {1, 0} : new double[] {a, -a, 0, 0};
        layers.add(new Dense(width, 2, outW, new double[] {0, t}));
        Network net = new Network("jia-rinard-" + seed, Shape.flat(n), InputDomain.uniform(n, 0, 1e3), layers);
        AffineMap unsafe = AffineMap.fromDense(1, 2, new double[] {1, -1}, new double[] {0}); // y0 − y1 <= 0
        String d = String.format("seed %d: n=%d lifts=%d carries=%d diffInHidden=%b scale=%.3g c=%s a=%s t=%s beta=%s",
                seed, n, lifts, carries, diffInHidden, scale, c, a, t, beta);
        return new Gadget(net, lo, hi, unsafe, d);
    }

    /** Box centre, corners (up to 32) and random points, rounded to float32 inside the box. */
    static List<double[]> probes(Gadget g, Random rnd) {
        int n = g.lo().length;
        List<double[]> pts = new ArrayList<>();
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = 0.5 * (g.lo()[i] + g.hi()[i]);
        }
        pts.add(c);
        for (int mask = 0; mask < (1 << n); mask++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = (mask >> i & 1) == 1 ? g.hi()[i] : g.lo()[i];
            }
            pts.add(x);
        }
        for (int r = 0; r < 20; r++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = g.lo()[i] + rnd.nextDouble() * (g.hi()[i] - g.lo()[i]);
            }
            pts.add(x);
        }
        List<double[]> out = new ArrayList<>();
        for (double[] x : pts) {
            out.add(Float32Evaluation.roundInto(x, g.lo(), g.hi()));
        }
        return out;
    }

    static synchronized void tally(String mode, VerdictStatus s) {
        TALLY.computeIfAbsent(mode, k -> new EnumMap<>(VerdictStatus.class)).merge(s, 1, Integer::sum);
    }

    static SearchOptions opts(boolean sound, boolean attack) {
        SearchOptions o = SearchOptions.defaults().withSound(sound).withTimeLimit(LIMIT).withThreads(2).withSeed(7);
        return attack ? o : o.withAttack(0, 0);
    }

    /** Checks the construction itself: robust in double everywhere probed, violated in float32. */
    static int checkConstruction(Gadget g, boolean adversarial, long seed) {
        VerificationQuery q = g.query();
        Float32Evaluation f32 = new Float32Evaluation(g.network());
        int float32Violations = 0;
        for (double[] x : probes(g, new Random(seed))) {
            double md = q.margin(g.network().evaluate(x));
            double mf = q.margin(f32.evaluate(x));
            assertTrue(md > 0, g.description() + ": double margin must be positive at " + Arrays.toString(x) + ", got " + md);
            if (mf <= 0) {
                float32Violations++;
            }
        }
        return float32Violations;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void soundModeNeverVerifiesAFloat32Counterexample(long seed) {
        Gadget g = gadget(seed, true);
        System.out.println("[FloatingPointAdversarialTest] " + g.description());
        int violations = checkConstruction(g, true, seed);
        assertTrue(violations > 0, g.description() + ": the gadget must produce a float32 counterexample");
        VerificationQuery q = g.query();
        Float32Evaluation f32 = new Float32Evaluation(g.network());
        for (boolean attack : new boolean[] {true, false}) {
            Verdict v = new BranchAndBound(q, opts(true, attack)).run();
            tally("sound" + (attack ? "" : "/no-attack") + " adversarial", v.status());
            String ctx = g.description() + " sound attack=" + attack + " -> " + v;
            assertNotEquals(VerdictStatus.VERIFIED, v.status(), ctx + ": WRONG VERIFIED, a float32 counterexample exists");
            if (v.status() == VerdictStatus.FALSIFIED) {
                Counterexample ce = v.counterexample().orElseThrow();
                assertTrue(q.inBox(ce.input()), ctx + ": counterexample outside the box");
                assertTrue(ce.validInFloat32(), ctx + ": float32 margin " + ce.float32Margin());
                double[] xf = Float32Evaluation.roundInto(ce.input(), g.lo(), g.hi());
                double mf = q.margin(f32.evaluate(xf));
                assertTrue(mf <= 0, ctx + ": independent float32 re-check margin " + mf);
                assertEquals(mf, ce.float32Margin(), 0.0, ctx);
                // Real/double robust everywhere: the witness holds only in float32, and says so.
                assertFalse(ce.validInDouble(), ctx + ": double margin " + ce.margin());
                assertFalse(ce.agreesInBothPrecisions(), ctx);
                assertTrue(q.margin(g.network().evaluate(ce.input())) > 0, ctx);
            }
        }
        for (boolean attack : new boolean[] {true, false}) {
            Verdict v = new BranchAndBound(q, opts(false, attack)).run();
            tally("fast" + (attack ? "" : "/no-attack") + " adversarial", v.status());
            if (v.status() == VerdictStatus.FALSIFIED) {
                // Fast mode still re-checks its candidates in float32: what it reports is genuine.
                assertTrue(v.counterexample().orElseThrow().validInFloat32() || v.counterexample().orElseThrow().validInDouble());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void soundModeStillVerifiesTheControlGroup(long seed) {
        Gadget g = gadget(seed, false);
        int violations = checkConstruction(g, false, seed);
        assertEquals(0, violations, g.description() + ": the control must agree in float32");
        VerificationQuery q = g.query();
        Verdict sound = new BranchAndBound(q, opts(true, true)).run();
        Verdict fast = new BranchAndBound(q, opts(false, true)).run();
        tally("sound control", sound.status());
        tally("fast control", fast.status());
        assertEquals(VerdictStatus.VERIFIED, fast.status(), g.description() + " fast: " + fast);
        assertEquals(VerdictStatus.VERIFIED, sound.status(), g.description() + " sound: " + sound + " (no blanket UNKNOWN)");
        assertTrue(sound.provenMarginLowerBound() > 0, g.description() + ": " + sound);
    }

    /** The exact network of the paper's idea, spelled out: x ∈ [0.5, 1], s = 1e8, c = 1, t = 0.5. */
    @Test
    void textbookGadget() {
        List<Operation> layers = List.of(
                new Dense(1, 2, new double[] {1e8, 1e8}, new double[] {1, 0}),
                new Relu(),
                new Dense(2, 2, new double[] {1, -1, 0, 0}, new double[] {0, 0.5}));
        Network net = new Network("jia-rinard", Shape.flat(1), InputDomain.uniform(1, 0, 1), layers);
        AffineMap unsafe = AffineMap.fromDense(1, 2, new double[] {1, -1}, new double[] {0});
        VerificationQuery q = new VerificationQuery(net, new double[] {0.5}, new double[] {1}, List.of(unsafe));
        assertEquals(0.5, q.margin(net.evaluate(new double[] {0.75})), 1e-6, "double keeps the offset");
        assertEquals(-0.5, q.margin(new Float32Evaluation(net).evaluate(new double[] {0.75})), 0.0, "float32 loses it");

        Verdict sound = new BranchAndBound(q, opts(true, true)).run();
        Verdict soundNoAttack = new BranchAndBound(q, opts(true, false)).run();
        Verdict fast = new BranchAndBound(q, opts(false, true)).run();
        Verdict fastNoAttack = new BranchAndBound(q, opts(false, false)).run();
        System.out.println("[FloatingPointAdversarialTest] textbook gadget: sound=" + sound + " sound/no-attack=" + soundNoAttack
                + " fast=" + fast + " fast/no-attack=" + fastNoAttack);
        for (Verdict v : List.of(sound, soundNoAttack)) {
            assertNotEquals(VerdictStatus.VERIFIED, v.status(), v.toString());
        }
        assertEquals(VerdictStatus.FALSIFIED, sound.status(), sound.toString());
        Counterexample ce = sound.counterexample().orElseThrow();
        assertTrue(ce.validInFloat32());
        assertFalse(ce.validInDouble());
        assertEquals(-0.5, ce.float32Margin(), 0.0);
        assertEquals(0.5, ce.margin(), 1e-6);
        // The documented risk of --fast: real-arithmetic bounds prove the real network robust.
        assertEquals(VerdictStatus.VERIFIED, fastNoAttack.status(), "fast mode without attack: " + fastNoAttack);
    }

    @AfterAll
    static void printTally() {
        System.out.println("[FloatingPointAdversarialTest] verdicts per mode: " + TALLY);
    }
}
