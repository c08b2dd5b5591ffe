package org.certus.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The question a Spark robustness run asks, fixed on the driver after validation and shipped to
 * every task (small: names and numbers, never the network). The text fields are written to the
 * summary exactly as {@code certus robustness} writes them, so rows of both tools compare equal.
 *
 * @param network          bundled network name or a path readable on every executor
 * @param dataset          {@code mnist} or {@code cifar10}
 * @param first            first sample, 0-based
 * @param last             last sample, inclusive
 * @param eps              L∞ radius
 * @param targets          target labels, or an empty array for untargeted
 * @param margin           a target must win by this much
 * @param timeLimitSeconds per sample
 * @param threadsPerTask   search threads of one sample
 * @param out              output folder, on a file system shared by the driver and every executor
 * @param failFirstAttemptOf test hook: the first attempt of this sample throws (-1: none), to exercise task retries
 */
public record RobustnessJob(String network, String dataset, int first, int last, double eps, int[] targets, double margin,
        double timeLimitSeconds, int threadsPerTask, String out, int failFirstAttemptOf) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RobustnessJob {
        targets = targets.clone();
    }

    public boolean untargeted() {
        return targets.length == 0;
    }

    /** Samples of the range, in order. */
    public int count() {
        return last - first + 1;
    }

    public String epsText() {
        return SampleRow.number(eps);
    }

    public String targetText() {
        if (untargeted()) {
            return "untargeted";
        }
        StringBuilder b = new StringBuilder();
        for (int t : targets) {
            b.append(b.isEmpty() ? "" : ";").append(t);
        }
        return b.toString();
    }

    public String marginText() {
        return SampleRow.number(margin);
    }

    public String timeLimitText() {
        return SampleRow.number(timeLimitSeconds);
    }

    /** The columns that identify the question (as in certus robustness): parts of another question are refused. */
    public List<String> question(String networkName, String datasetName) {
        return List.of(networkName, datasetName, epsText(), "inf", "linf", targetText(), marginText(), SampleRow.OBJECTIVE, SampleRow.MODE);
    }

    @Override
    public int[] targets() {
        return targets.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RobustnessJob j && network.equals(j.network) && dataset.equals(j.dataset) && first == j.first && last == j.last
                && Double.compare(eps, j.eps) == 0 && Arrays.equals(targets, j.targets) && Double.compare(margin, j.margin) == 0
                && Double.compare(timeLimitSeconds, j.timeLimitSeconds) == 0 && threadsPerTask == j.threadsPerTask && out.equals(j.out)
                && failFirstAttemptOf == j.failFirstAttemptOf;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * network.hashCode() + first) + Arrays.hashCode(targets);
    }

    @Override
    public String toString() {
        return "RobustnessJob[network=" + network + ", dataset=" + dataset + ", samples=" + first + ":" + last + ", eps=" + epsText()
                + ", target=" + targetText() + ", margin=" + marginText() + ", time limit=" + timeLimitText() + " s, threads per task="
                + threadsPerTask + ", out=" + out + "]";
    }
}
