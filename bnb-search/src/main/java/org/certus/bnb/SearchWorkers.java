package org.certus.bnb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The one place that owns the search's threads and its open nodes: workers take nodes from the
 * {@link NodeSelection}, branch them and put the children back, until nothing is open and no worker is busy, or
 * the {@link SearchLimits} stop them. A stopped worker puts its node and the children bounded so far back, so the
 * open nodes keep covering every region not yet closed and the final bound stays sound. The first exception of
 * any worker stops them all and is kept: the search then fails loudly, it never proves anything.
 */
final class SearchWorkers {
    /** How often a running search reports its progress (nodes, open nodes, proven bound). */
    static final long PROGRESS_INTERVAL_MS = 5_000;

    private final Object lock = new Object();
    private final NodeSelection open;
    private final SearchLimits limits;
    private final LongSupplier nodes;
    private final int threads;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int active;
    /** Nodes taken by a worker and not yet branched (guarded by {@link #lock}): still open for the progress lines. */
    private final List<SearchNode> inFlight = new ArrayList<>();

    /** @param nodes nodes bounded so far (the node limit counts them) */
    SearchWorkers(NodeSelection selection, SearchLimits limits, LongSupplier nodes, int threads) {
        this.open = selection;
        this.limits = limits;
        this.nodes = nodes;
        this.threads = Math.max(1, threads);
    }

    /** The first exception of a worker, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** The smallest bound among the open nodes (+∞ when none is open). */
    double openMinBound() {
        synchronized (lock) {
            // A node being branched is still open: on TinyYOLO a child takes 40 s to bound, and a progress line
            // without it read "0 open, proven bound Infinity" before the search timed out at its root's bound.
            double m = open.minBound();
            for (SearchNode n : inFlight) {
                m = Math.min(m, n.bound);
            }
            return m;
        }
    }

    int openCount() {
        synchronized (lock) {
            return open.size();
        }
    }

    /**
     * Branches from {@code root} until done or stopped; {@code branch} returns a node's children that are still
     * open (it may return fewer when the search stops meanwhile), and {@code progress} runs every
     * {@link #PROGRESS_INTERVAL_MS} on the calling thread.
     */
    void run(SearchNode root, Function<SearchNode, List<SearchNode>> branch, Runnable progress) {
        synchronized (lock) {
            open.add(root);
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> workGuarded(branch), "certus-bnb-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        try {
            for (Thread t : workers) {
                t.join(PROGRESS_INTERVAL_MS);
                while (t.isAlive()) {
                    progress.run();
                    t.join(PROGRESS_INTERVAL_MS);
                }
            }
        } catch (InterruptedException e) {
            limits.cancel().cancel();
            limits.stop();
            Thread.currentThread().interrupt();
            for (Thread t : workers) {
                try {
                    t.join(2000);
                } catch (InterruptedException ignored) {
                    // already interrupted; the workers stop at their next check
                }
            }
        }
    }

    private void workGuarded(Function<SearchNode, List<SearchNode>> branch) {
        try {
            work(branch);
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            synchronized (lock) {
                limits.stop();
                lock.notifyAll();
            }
        }
    }

    private void work(Function<SearchNode, List<SearchNode>> branch) {
        SearchNode local = null;
        while (true) {
            SearchNode node;
            if (local != null) {
                node = local;
                local = null;
            } else {
                synchronized (lock) {
                    while (open.size() == 0 && active > 0 && !limits.stopped()) {
                        try {
                            lock.wait(20);
                        } catch (InterruptedException e) {
                            limits.stop();
                        }
                        limits.check(nodes.getAsLong());
                    }
                    if (limits.stopped() || open.size() == 0) {
                        lock.notifyAll();
                        return;
                    }
                    node = open.poll();
                    inFlight.add(node);
                    active++;
                }
            }
            limits.check(nodes.getAsLong());
            List<SearchNode> children = limits.stopped() ? List.of() : branch.apply(node);
            synchronized (lock) {
                inFlight.remove(node);
                if (limits.stopped()) {
                    // Keep unprocessed work so that the final bound stays sound.
                    open.add(node);
                    children.forEach(open::add);
                    active--;
                    lock.notifyAll();
                    return;
                }
                if (children.size() == 2) {
                    SearchNode kept = open.keepLocal(children.get(0), children.get(1));
                    if (kept != null) {
                        local = kept;
                        inFlight.add(kept);
                        open.add(kept == children.get(0) ? children.get(1) : children.get(0));
                        lock.notifyAll();
                        continue;
                    }
                }
                children.forEach(open::add);
                active--;
                lock.notifyAll();
            }
        }
    }
}
