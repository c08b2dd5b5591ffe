package org.certus.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.certus.api.Verifier;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.io.NetworkLoader;

/**
 * Networks and datasets of this JVM, loaded on first use and kept: an executor loads the network
 * once, however many samples (tasks) it runs, and nothing large travels with a task. Keyed by the
 * name (or path) as given. A {@link Verifier} holds no mutable state, so the task threads of one
 * executor share it.
 */
public final class ExecutorModels {
    private static final Map<String, Verifier> VERIFIERS = new ConcurrentHashMap<>();
    private static final Map<String, Dataset> DATASETS = new ConcurrentHashMap<>();
    private static final AtomicInteger NETWORK_LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The verifier of a network, loading the network on first use in this JVM. */
    public static Verifier verifier(String network) {
        return VERIFIERS.computeIfAbsent(network, n -> {
            NETWORK_LOADS.incrementAndGet();
            return Verifier.create(NetworkLoader.load(n));
        });
    }

    public static Network network(String network) {
        return verifier(network).network();
    }

    public static Dataset dataset(String name) {
        return DATASETS.computeIfAbsent(name, Datasets::load);
    }

    /** How many times this JVM has loaded a network (for tests: once per network and JVM). */
    public static int networkLoads() {
        return NETWORK_LOADS.get();
    }
}
