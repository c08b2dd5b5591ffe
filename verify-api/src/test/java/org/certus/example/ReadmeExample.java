package org.certus.example;

import java.time.Duration;

import org.certus.api.Verifier;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Norm;
import org.certus.bnb.SearchOptions;
import org.certus.bnb.Verdict;
import org.certus.bnb.WorstCaseMargin;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;
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

    /** The verdict, the distortion bounds and the worst margin of the example, for the test to check. */
    static Object[] run() {
        // README:begin
        Network net = NetworkLoader.load("mnist-wk17a");        // or a .onnx, .onnx.gz, .nnet or .mat file
        Dataset mnist = Datasets.load("mnist");
        double[] x = mnist.image(8);
        int label = mnist.label(8);
        InputBox ball = RobustnessProperty.linfBall(x, 0.1, net.inputDomain().lower(), net.inputDomain().upper());
        OutputCondition misclassified = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(label, 10), 10, 0.0);
        VnnlibProperty p = RobustnessProperty.of(ball, RobustnessProperty.untargeted(label, 10), 10, 0.0);
        SearchOptions options = SearchOptions.timeLimit(Duration.ofSeconds(60));

        Verifier verifier = Verifier.create(net);              // thread-safe; never exits the JVM
        Verdict v = verifier.verify(p, options);
        switch (v.status()) {
            case VERIFIED -> System.out.println("robust, proven margin >= " + v.provenMarginLowerBound());
            case FALSIFIED -> System.out.println("adversarial example, classified as " + net.predict(v.counterexample().get().input()));
            default -> System.out.println(v.status() + ", proven margin >= " + v.provenMarginLowerBound());
        }
        // Minimum L-inf distortion over the input domain, bisected to within 1e-2: d.lower() <= min <= d.upper()
        InputBox domain = new InputBox(net.inputDomain().lower(), net.inputDomain().upper());
        DistortionBounds d = verifier.closest(x, domain, misclassified, Norm.LINF, 1e-2, options);
        // Largest adversarial margin over the ball, to within 0.1: w.lower() <= max <= w.upper(), w.example()
        WorstCaseMargin w = verifier.worst(ball, misclassified, 0.1, options);
        // README:end
        return new Object[] {v, d, w};
    }
}
