package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.certus.api.Verifier;
import org.certus.bnb.CancelToken;
import org.certus.bnb.Counterexample;
import org.certus.bnb.RootTightening;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.tighten.Tightening;
import org.certus.nn.Float32Evaluation;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.SpecException;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one VNN-COMP instance (an ONNX network and a VNN-LIB property) in the competition's words.
 * A counterexample becomes {@code sat} only after it is re-checked here, independently of the search:
 * the exact double forward pass at the input must satisfy the property with zero tolerance on the
 * input box and on the output condition. A failed re-check gives {@code unknown} and a warning, never
 * {@code sat}. A float32 forward pass is compared too and only warns.
 */
final class VnnlibSolver {
    /** The instance's stages at info level (the search logs its own). */
    private static final Logger LOG = LoggerFactory.getLogger(VnnlibSolver.class);
    /**
     * Extra wall-clock time beyond the instance's limit before the watchdog cancels the search; the
     * search honours its limit itself, the watchdog is there in case some phase does not poll it.
     */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(10);
    /**
     * Share of an instance's time that the root tightening may take (at most
     * {@link #ROOT_BUDGET_MAX}); the rest is for the branch and bound. Large, because on the deep
     * mnist_fc networks the MIP-tightened hidden layers cut the search by orders of magnitude (256x4
     * prop_14_0.05: 8 nodes after MIP, 10,836 after LP alone).
     */
    static final double ROOT_SHARE = 0.6;
    /**
     * Cheap bounds first: a search on the symbolic bounds alone gets this share of the time (at most
     * {@link #QUICK_STAGE_MAX}) before the root tightening starts. Most mnist_fc instances need no
     * tightening (256x2 prop_10_0.05: 557 nodes in 2.8 s), and with a 5 s limit per neuron the tightening
     * alone could take minutes on them.
     */
    static final double QUICK_STAGE_SHARE = 0.05;
    static final Duration QUICK_STAGE_MAX = Duration.ofSeconds(15);
    /** Longest root tightening of one instance. */
    static final Duration ROOT_BUDGET_MAX = Duration.ofSeconds(180);
    /**
     * Longest time per neuron and direction in the root's MIP-strength tightening, which bounds each neuron
     * with a short search of this engine ({@link org.certus.bnb.NeuronSearchTightening}) rather than a MILP
     * on ojAlgo LPs (the searches spread the budget over the layers, so a neuron often gets less). On 256x4
     * prop_0_0.05 after LP (203 unstable ReLUs): the MILPs with 0.5 s left 177 in 73 s, the searches with
     * 0.5 s 162 in 24 s, with 2 s 144 in 69 s — and the instance went from a timeout to unsat in 111 s.
     * 256x4 prop_10_0.05: a timeout with 2 s per neuron, unsat in 156 s with 5 s (113 unstable ReLUs left
     * instead of 122; the root alone then proves it).
     */
    static final Duration ROOT_MIP_NEURON_LIMIT = Duration.ofSeconds(5);
    /**
     * α,β steps per open row and node for VNN-COMP instances (the library default is 20): measured on
     * mnist_fc 256x4 prop_11_0.05 8,235 → 1,253 nodes, and ACAS Xu 67 → 47 s for the suite.
     */
    static final int VNNCOMP_BOUND_ITERATIONS = 40;
    /** After a cancel, how long to wait for the search to return before giving up on it. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    /**
     * Tolerances of the re-check of a counterexample before it is reported as {@code sat}: none. The input
     * must lie in the property's box exactly and the double-precision outputs must satisfy the unsafe
     * condition exactly (VNN-COMP's checkers allow 1e-4 on the input; we never need to lean on that).
     */
    static final double RECHECK_INPUT_TOLERANCE = 0.0;
    static final double RECHECK_OUTPUT_TOLERANCE = 0.0;

    private VnnlibSolver() {
    }

    /**
     * Loads the network: a bundled name or a file in any format {@link NetworkLoader} reads (a missing
     * {@code .onnx} falls back to its {@code .onnx.gz} and back); a missing file or a bad model raises
     * {@link NetworkException}.
     */
    static Network loadNetwork(String network) {
        Path p;
        try {
            p = Path.of(network);
        } catch (InvalidPathException e) {
            return NetworkLoader.load(network); // reports the bad path
        }
        Path file = withGzFallback(p);
        return NetworkLoader.load(Files.exists(file) ? InputFile.requireRegular(file).toString() : network);
    }

    /** Parses the property for the network's sizes; malformed text raises {@link SpecException} with line:column. */
    static VnnlibProperty loadProperty(Path vnnlib, Network net) {
        Path p = withGzFallback(vnnlib);
        try {
            return VnnlibParser.parse(p, net.inputSize(), net.outputSize());
        } catch (NoSuchFileException e) {
            throw new SpecException(p + ": file not found");
        } catch (IOException e) {
            throw new SpecException(p + ": cannot read the file: " + e.getMessage());
        }
    }

    /**
     * VNN-COMP folders ship {@code .onnx.gz}/{@code .vnnlib.gz} or decompressed copies while the
     * instance lists name either; use whichever exists.
     */
    static Path withGzFallback(Path p) {
        if (Files.exists(p)) {
            return p;
        }
        String s = p.toString();
        Path alt = s.endsWith(".gz") ? Path.of(s.substring(0, s.length() - 3)) : Path.of(s + ".gz");
        return Files.exists(alt) ? alt : p;
    }

    /**
     * Verifies and maps the verdict to the competition's word. {@code seconds} in the result is filled in
     * by the caller's clock; here it is the search's.
     */
    static VnnlibResult solve(Network net, VnnlibProperty property, Duration timeout, PrintWriter warnings) {
        if (property.inputCount() != net.inputSize() || property.outputCount() != net.outputSize()) {
            throw new SpecException("property is over " + property.inputCount() + " inputs and " + property.outputCount()
                    + " outputs, network '" + net.name() + "' has " + net.inputSize() + " and " + net.outputSize());
        }
        long start = System.nanoTime();
        Verdict v = verifyWithWatchdog(net, property, timeout);
        double seconds = (System.nanoTime() - start) / 1e9;
        long nodes = v == null ? 0 : v.statistics().nodes();
        if (v == null) {
            warnings.println("certus: warning: the search did not stop within " + WATCHDOG_GRACE.plus(CANCEL_WAIT).toSeconds()
                    + " s of its time limit; reporting timeout");
            return new VnnlibResult(VnnlibResult.TIMEOUT, null, null, seconds, 0);
        }
        return switch (v.status()) {
            case VERIFIED -> new VnnlibResult(VnnlibResult.UNSAT, null, null, seconds, nodes, v.provenMarginLowerBound());
            case TIMEOUT -> new VnnlibResult(VnnlibResult.TIMEOUT, null, null, seconds, nodes, v.provenMarginLowerBound());
            case UNKNOWN -> new VnnlibResult(VnnlibResult.UNKNOWN, null, null, seconds, nodes, v.provenMarginLowerBound());
            case FALSIFIED -> recheck(net, property, v.counterexample(), seconds, nodes, warnings);
        };
    }

    static VnnlibResult recheck(Network net, VnnlibProperty property, Optional<Counterexample> ce, double seconds,
                                        long nodes, PrintWriter warnings) {
        if (ce.isEmpty()) {
            warnings.println("certus: warning: the search reported a violation without a counterexample; reporting unknown");
            return new VnnlibResult(VnnlibResult.UNKNOWN, null, null, seconds, nodes);
        }
        double[] x = ce.get().input();
        double[] y = net.evaluate(x);
        if (!property.isCounterexample(x, y, RECHECK_INPUT_TOLERANCE, RECHECK_OUTPUT_TOLERANCE)) {
            warnings.println("certus: warning: the counterexample failed the exact re-check (input "
                    + Arrays.toString(x) + ", outputs " + Arrays.toString(y) + "); reporting unknown");
            return new VnnlibResult(VnnlibResult.UNKNOWN, null, null, seconds, nodes);
        }
        double[] y32 = new Float32Evaluation(net).evaluate(x);
        if (!property.isCounterexample(x, y32, RECHECK_INPUT_TOLERANCE, RECHECK_OUTPUT_TOLERANCE)) {
            warnings.println(String.format(Locale.ROOT,
                    "certus: warning: the counterexample holds in float64 but not in a float32 forward pass "
                            + "(outputs %s vs %s); a float32 checker may reject it", Arrays.toString(y), Arrays.toString(y32)));
        }
        return new VnnlibResult(VnnlibResult.SAT, x, y, seconds, nodes);
    }

    /**
     * MIP-strength root bounds for networks that the search splits on ReLUs (image-sized inputs), when the
     * symbolic bounds leave the root open and after the attack found nothing: a short search per unstable
     * neuron, layer by layer, straight from the symbolic bounds ({@link org.certus.bnb.RootTightening#neuronSearch()};
     * no LP first — on 256x6 prop_3_0.05 LP tightening alone took 172 s and the searches reach the same
     * bounds without it). Deep networks need them: 256x4 prop_13_0.05 and 256x6 prop_3_0.05 went from
     * timeouts to unsat with 2 search nodes after the tightening. Neurons that the budget does not reach
     * keep their symbolic bounds. Small-input networks (ACAS Xu) are split on their inputs, where every
     * node's box is small and symbolic bounds suffice.
     */
    static SearchOptions rootTightened(Network net, SearchOptions options, Duration timeout) {
        if (net.inputSize() <= SearchOptions.INPUT_SPLIT_MAX_INPUTS) {
            return options;
        }
        long budget = Math.min(ROOT_BUDGET_MAX.toMillis(), Math.round(timeout.toMillis() * ROOT_SHARE));
        return options.withRootTightening(new RootTightening(Tightening.MIP, ROOT_MIP_NEURON_LIMIT, Duration.ofMillis(budget), true));
    }

    /** How long the first, symbolic-only search may run before the root tightening. */
    static Duration quickStage(Duration timeout) {
        long ms = Math.min(QUICK_STAGE_MAX.toMillis(), Math.round(timeout.toMillis() * QUICK_STAGE_SHARE));
        return Duration.ofMillis(ms);
    }

    /**
     * A short search on symbolic bounds; only when it runs out of time, a second one with the root
     * tightening of {@link #rootTightened} for the time that is left (the first one's nodes are not kept:
     * at most {@link #QUICK_STAGE_SHARE} of the time is lost). Networks without root tightening get one search.
     */
    static Verdict verifyInStages(Verifier verifier, Network net, VnnlibProperty property, SearchOptions base, Duration timeout,
                                  Duration quick) {
        long t0 = System.nanoTime();
        if (rootTightened(net, base, timeout) == base) {
            LOG.info("one search on symbolic bounds ({} inputs: no root tightening)", net.inputSize());
            return verifier.verify(property, base);
        }
        LOG.info("stage 1: search on symbolic bounds for {} ms", quick.toMillis());
        Verdict first = verifier.verify(property, base.withTimeLimit(quick));
        Duration left = timeout.minusNanos(System.nanoTime() - t0);
        if (first.status() != VerdictStatus.TIMEOUT || base.cancel().isCancelled() || left.isNegative() || left.isZero()) {
            return first;
        }
        LOG.info("stage 2: root tightening by per-neuron searches, then the search, for {} ms", left.toMillis());
        return verifier.verify(property, rootTightened(net, base.withTimeLimit(left), left));
    }

    /** The verdict, or {@code null} if the search ignored both its limit and the cancel. */
    private static Verdict verifyWithWatchdog(Network net, VnnlibProperty property, Duration timeout) {
        CancelToken cancel = new CancelToken();
        SearchOptions options = SearchOptions.defaults().withTimeLimit(timeout).withCancel(cancel)
                .withBoundIterations(VNNCOMP_BOUND_ITERATIONS);
        Verifier verifier = Verifier.create(net);
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "certus-vnnlib-search");
            t.setDaemon(true); // an abandoned search must not keep the JVM alive
            return t;
        });
        try {
            Future<Verdict> f = exec.submit(() -> verifyInStages(verifier, net, property, options, timeout, quickStage(timeout)));
            try {
                return f.get(timeout.plus(WATCHDOG_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                cancel.cancel();
                try {
                    Verdict late = f.get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    // Cancelled by this watchdog because the time was up: a timeout, not an undecided search.
                    return late.status() == VerdictStatus.UNKNOWN ? Verdict.timeout(late.statistics().finalBound(), late.statistics()) : late;
                } catch (TimeoutException e2) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        } finally {
            exec.shutdownNow();
        }
    }
}
