package org.certus.example;

import java.time.Duration;

import org.certus.api.Load;
import org.certus.api.RobustnessQuestion;
import org.certus.api.RobustnessResult;
import org.certus.api.Verifier;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.WorstCaseMargin;
import org.certus.data.Dataset;
import org.certus.nn.Network;
import org.certus.spec.InputBox;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import org.certus.spec.VnnlibProperty;

/**
 * The README's library example. {@code ReadmeExampleTest} runs it and checks that README.md shows
 * exactly these imports and the lines between the markers, so the snippet users copy compiles.
 */
final class ReadmeExample {
    private ReadmeExample() {
    }

    /** The verdict, the robustness result, the distortion bounds and the worst margin of the example, for the test to check. */
    static Object[] run() {
        // README:begin
        Network net = Load.network("mnist-wk17a");             // or a .onnx, .onnx.gz, .nnet or .mat file
        Dataset mnist = Load.dataset("mnist");
        double[] x = mnist.image(8);
        int label = mnist.label(8);
        InputBox ball = RobustnessProperty.linfBall(x, 0.1, net.inputDomain().lower(), net.inputDomain().upper());
        VnnlibProperty p = RobustnessProperty.of(ball, RobustnessProperty.untargeted(label, 10), 10, 0.0);

        Verifier verifier = Verifier.create(net);              // thread-safe; never exits the JVM
        Verdict v = verifier.verify(p, Duration.ofSeconds(60)); // the strategy that decides most, as `certus vnnlib`
        switch (v.status()) {
            case VERIFIED -> System.out.println("robust, proven margin >= " + v.provenMarginLowerBound());
            case FALSIFIED -> System.out.println("adversarial example, classified as " + net.predict(v.counterexample().get().input()));
            default -> System.out.println(v.status() + ", proven margin >= " + v.provenMarginLowerBound());
        }
        // MIPVerify's question about one sample, as `certus robustness` asks it (any objective and perturbation)
        RobustnessResult r = verifier.robustness(x, label, RobustnessQuestion.builder().eps(0.1).timeLimitSeconds(60).build());
        System.out.println(r.status() + (r.example() != null ? " at L-inf distance " + r.example().linfDistance() : ""));
        // Minimum L-inf distortion over the input domain, bisected to within 1e-2: d.lower() <= min <= d.upper()
        SearchOptions options = SearchOptions.timeLimit(Duration.ofSeconds(60));
        OutputCondition misclassified = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(label, 10), 10, 0.0);
        InputBox domain = new InputBox(net.inputDomain().lower(), net.inputDomain().upper());
        DistortionBounds d = verifier.closest(x, domain, misclassified, Norm.LINF, 1e-2, options);
        // Largest adversarial margin over the ball, to within 0.1: w.lower() <= max <= w.upper(), w.example()
        WorstCaseMargin w = verifier.worst(ball, misclassified, 0.1, options);
        // README:end
        return new Object[] {v, r, d, w};
    }
}
