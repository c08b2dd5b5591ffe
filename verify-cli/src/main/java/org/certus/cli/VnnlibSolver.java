package org.certus.cli;

import java.io.PrintWriter;
import java.time.Duration;

import org.certus.api.VerificationListener;
import org.certus.api.Verifier;
import org.certus.bnb.Verdict;
import org.certus.nn.Network;
import org.certus.spec.SpecException;
import org.certus.spec.VnnlibProperty;

/**
 * Answers one VNN-COMP instance in the competition's words: the library's strategy that decides most
 * ({@link Verifier#verify(VnnlibProperty, Duration)}: staged search, watchdog, and a counterexample re-checked against
 * the property with zero tolerance before it counts) mapped to {@code sat}, {@code unsat}, {@code timeout} or
 * {@code unknown}. The library's warnings go to stderr as {@code certus: warning:} lines.
 */
final class VnnlibSolver {
    private VnnlibSolver() {
    }

    /**
     * Verifies and maps the verdict to the competition's word, within a limit that counts from
     * {@code startNanos} ({@link System#nanoTime()} when the command began, before it loaded the network and the
     * property): the search gets what is left of it after loading and after {@link Verifier#create} has lowered the
     * network (together 2.8 s of a 10 s limit on cifar10_resnet's resnet_4b), so that the limit a user gave holds
     * for the whole command. Nothing left gives {@code timeout} without a search. With {@code sound} false in real
     * arithmetic ({@code --fast}): an unsat then holds for the network's real-number idealisation, not for its float32
     * evaluation. {@code seconds} in the result counts from {@code startNanos}.
     */
    static VnnlibResult solveWithin(Network net, VnnlibProperty property, Duration limit, long startNanos, PrintWriter warnings,
                                    boolean sound) {
        if (property.inputCount() != net.inputSize() || property.outputCount() != net.outputSize()) {
            throw new SpecException("property is over " + property.inputCount() + " inputs and " + property.outputCount()
                    + " outputs, network '" + net.name() + "' has " + net.inputSize() + " and " + net.outputSize());
        }
        VerificationListener warn = new VerificationListener() {
            @Override
            public void warning(String message) {
                warnings.println("certus: warning: " + message);
                warnings.flush();
            }
        };
        Verifier verifier = Verifier.create(net).withListener(warn);
        Duration left = limit.minusNanos(System.nanoTime() - startNanos);
        if (left.isNegative() || left.isZero()) {
            return new VnnlibResult(VnnlibResult.TIMEOUT, null, null, (System.nanoTime() - startNanos) / 1e9, 0);
        }
        Verdict v = verifier.verify(property, Verifier.stagedOptions(left).withSound(sound));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long nodes = v.statistics().nodes();
        return switch (v.status()) {
            case VERIFIED -> new VnnlibResult(VnnlibResult.UNSAT, null, null, seconds, nodes, v.provenMarginLowerBound());
            case TIMEOUT -> new VnnlibResult(VnnlibResult.TIMEOUT, null, null, seconds, nodes, v.provenMarginLowerBound());
            case UNKNOWN -> new VnnlibResult(VnnlibResult.UNKNOWN, null, null, seconds, nodes, v.provenMarginLowerBound());
            case FALSIFIED -> {
                double[] x = v.counterexample().orElseThrow().input();
                yield new VnnlibResult(VnnlibResult.SAT, x, net.evaluate(x), seconds, nodes);
            }
        };
    }
}
