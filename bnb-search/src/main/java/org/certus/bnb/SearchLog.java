package org.certus.bnb;

import org.certus.tighten.Tightening;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search's SLF4J logging, as a listener: stages at info (root, tightening, verdict), set-up and attack at
 * debug, progress at info; a search nested in a larger job (a neuron's bound, a sign search) logs its stages at
 * trace and no progress. Loggers keep the names of the classes users know ({@code BranchAndBound},
 * {@code ClosestSearch}).
 */
final class SearchLog implements SearchListener {
    private static final Logger LOG = LoggerFactory.getLogger(BranchAndBound.class);
    private static final Logger CLOSEST = LoggerFactory.getLogger(ClosestSearch.class);

    private final boolean nested;
    /** The network of the search, from {@link #started}: one log serves one search. */
    private volatile String network = "?";

    SearchLog(boolean nested) {
        this.nested = nested;
    }

    private void stage(String format, Object... args) {
        if (nested) {
            LOG.trace(format, args);
        } else {
            LOG.info(format, args);
        }
    }

    @Override
    public void started(SearchStart s) {
        network = s.network();
        if (!nested && LOG.isDebugEnabled()) {
            // getSeconds, not toMillis: a limit too long for the clock (HugeTimeLimitTest) must not overflow here.
            LOG.debug("search on '{}': {} inputs, {} ReLUs, {} disjunct(s), splitting {}, {} thread(s), time limit {} s", s.network(),
                    s.inputs(), s.relus(), s.disjuncts(), s.splitsInput() ? "inputs" : "ReLUs", s.threads(), s.timeLimit().getSeconds());
        }
    }

    @Override
    public void rootTightened(Tightening kind, long before, long after, double bound, long millis) {
        stage("root tightening ({}): {} -> {} unstable ReLUs, bound {} ({} ms)", kind, before, after, bound, millis);
    }

    @Override
    public void rootBounded(double bound, long unstable, boolean found, long millis) {
        stage("root of '{}': bound {}, {} unstable ReLUs{} ({} ms)", network, bound, unstable, found ? ", counterexample found" : "", millis);
    }

    @Override
    public void attackFinished(boolean found, long millis) {
        if (!nested) {
            LOG.debug("attack: {} ({} ms)", found ? "counterexample found" : "nothing found", millis);
        }
    }

    @Override
    public void progress(SearchProgress p) {
        if (!nested) {
            LOG.info("{} nodes, {} open, proven bound {}, {} s", p.nodes(), p.openNodes(), p.provenBound(), p.elapsedMillis() / 1000);
        }
    }

    @Override
    public void finished(Verdict v) {
        stage("verdict: {}", v);
    }

    @Override
    public void finished(WorstCaseMargin w) {
        stage("worst margin: [{}, {}]{}, {}", w.lower(), w.upper(), w.limitReached() ? " (limit reached)" : "", w.statistics());
    }

    @Override
    public void closestStep(double radius, VerdictStatus status, long nodes) {
        CLOSEST.info("closest: radius {} -> {} ({} nodes)", radius, status, nodes);
    }
}
