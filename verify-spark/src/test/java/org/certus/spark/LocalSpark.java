package org.certus.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;

/** Helpers of the Spark tests: local sessions bound to 127.0.0.1 and jobs on mnist-wk17a. */
final class LocalSpark {
    /** Generous for samples 0..19 (about a second each); keeps a regression from hanging the build. */
    static final double TIME_LIMIT = 60;

    private LocalSpark() {
    }

    static SparkSession start(String master) {
        return SparkRobustness.session(master, 1, "certus-spark-test");
    }

    static RobustnessJob job(Path out, int first, int last, int failFirstAttemptOf) {
        return new RobustnessJob("mnist-wk17a", "mnist", first, last, 0.1, new int[0], 0, TIME_LIMIT, 1, out.toAbsolutePath().toString(),
                failFirstAttemptOf);
    }

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
}
