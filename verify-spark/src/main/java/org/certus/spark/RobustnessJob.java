package org.certus.spark;

import java.io.Serializable;
import java.nio.file.Path;

import org.certus.api.RobustnessEvaluation;
import org.certus.api.RobustnessQuestion;
import org.certus.api.SampleRange;
import org.certus.data.Dataset;

/**
 * A Spark robustness run, fixed on the driver after validation and shipped to every task (small: names, the
 * library's question and the output folder, never the network). Each task rebuilds the same
 * {@link RobustnessEvaluation} from it in its executor ({@link ExecutorModels} loads the network once per JVM).
 *
 * @param network            bundled network name or a path readable on every executor
 * @param dataset            {@code mnist} or {@code cifar10}
 * @param samples            the samples
 * @param question           what is asked of each sample (with its time limit and threads per task)
 * @param out                output folder, on a file system shared by the driver and every executor
 * @param failFirstAttemptOf test hook: the first attempt of this sample throws (-1: none), to exercise task retries
 */
public record RobustnessJob(String network, String dataset, SampleRange samples, RobustnessQuestion question, String out,
        int failFirstAttemptOf) implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The evaluation this job runs, in this JVM. */
    RobustnessEvaluation evaluation() {
        Dataset data = ExecutorModels.dataset(dataset);
        return new RobustnessEvaluation(ExecutorModels.verifier(network, data), data, samples, question, Path.of(out));
    }
}
