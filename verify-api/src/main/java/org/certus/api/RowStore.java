package org.certus.api;

import java.io.IOException;
import java.util.Map;

/**
 * Where a batch evaluation's rows live (Timefold's "where the solution is kept" left to the caller): a locked,
 * append-only {@code summary.csv} for {@code certus robustness} ({@link SummaryFile}), one part file per sample for
 * the Spark job. A store is the durable record of a run: what it holds is not solved again (unless the
 * {@link Rerun} option says so).
 */
public interface RowStore {
    /**
     * The last row of each sample the store holds.
     *
     * @return rows by sample
     * @throws IOException when the store cannot be read
     */
    Map<Integer, RobustnessRow> latest() throws IOException;

    /**
     * Records a finished sample durably: when this returns, the row survives a kill.
     *
     * @param row the row
     * @throws IOException when it cannot be written
     */
    void append(RobustnessRow row) throws IOException;

    /**
     * Records why a sample ended in an error (its row says {@code error}).
     *
     * @param sample  the sample
     * @param message what went wrong, one line
     * @throws IOException when it cannot be written
     */
    void logError(int sample, String message) throws IOException;

    /**
     * Whether the store's rows lack the worst objective's margin columns (a summary written by an older Certus).
     *
     * @return true for a legacy store
     */
    default boolean legacy() {
        return false;
    }
}
