package org.certus.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.certus.api.Load;
import org.certus.api.VerificationListener;
import org.certus.api.Verifier;
import org.certus.data.Dataset;

/**
 * Networks and datasets of this JVM, loaded on first use and kept: an executor loads the network
 * once, however many samples (tasks) it runs, and nothing large travels with a task. Keyed by the
 * name (or path) as given, with the dataset whose pixel range the network's questions use (as
 * {@code certus robustness} loads it). A {@link Verifier} holds no mutable state, so the task threads
 * of one executor share it.
 */
public final class ExecutorModels {
    private static final Map<String, Verifier> VERIFIERS = new ConcurrentHashMap<>();
    private static final Map<String, Dataset> DATASETS = new ConcurrentHashMap<>();
    private static final AtomicInteger NETWORK_LOADS = new AtomicInteger();

    /** The library's warnings (an example valid in one precision only, ...) on the executor's stderr. */
    private static final VerificationListener WARNINGS = new VerificationListener() {
        @Override
        public void warning(String message) {
            warn(message);
        }
    };

    private ExecutorModels() {
    }

    private static void warn(String message) {
        System.err.println("certus-spark: warning: " + message);
    }

    /** The verifier of a network for a dataset's questions, loading the network on first use in this JVM. */
    public static Verifier verifier(String network, Dataset data) {
        return VERIFIERS.computeIfAbsent(network + "\u0000" + data.name(), k -> {
            NETWORK_LOADS.incrementAndGet();
            return Verifier.create(Load.forDataset(Load.network(network), data, null, ExecutorModels::warn)).withListener(WARNINGS);
        });
    }

    public static Dataset dataset(String name) {
        return DATASETS.computeIfAbsent(name, Load::dataset);
    }

    /** How many times this JVM has loaded a network (for tests: once per network and JVM). */
    public static int networkLoads() {
        return NETWORK_LOADS.get();
    }
}
