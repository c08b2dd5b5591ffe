package org.certus.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;
import org.certus.api.RobustnessQuestion;
import org.certus.api.SampleRange;

/** Helpers of the Spark tests: local sessions bound to 127.0.0.1 and jobs on mnist-wk17a. */
final class LocalSpark {
    /** Generous for samples 0..19 (about a second each); keeps a regression from hanging the build. */
    static final double TIME_LIMIT = 60;

    private LocalSpark() {
    }

    static SparkSession start(String master) {
        return SparkRobustness.session(master, 1, "certus-spark-test");
    }

    /** The question of every test job: eps 0.1, untargeted, one thread per task. */
    static final RobustnessQuestion QUESTION = RobustnessQuestion.builder().eps(0.1).timeLimitSeconds(TIME_LIMIT).threads(1).build();

    static RobustnessJob job(Path out, int first, int last, int failFirstAttemptOf) {
        return new RobustnessJob("mnist-wk17a", "mnist", new SampleRange(first, last), QUESTION, out.toAbsolutePath().toString(),
                failFirstAttemptOf);
    }

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
}
