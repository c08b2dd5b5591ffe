package org.certus.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The datasets bundled with Certus as classpath resources, so that nothing outside the jar is
 * needed: {@code "mnist"} (the 10,000 MNIST test images) and {@code "cifar10"} (the first 100
 * CIFAR-10 test images). Provenance and checksums: {@code org/certus/data/SOURCES.md}.
 * For files on disk use {@link MnistIdx#read(java.nio.file.Path, java.nio.file.Path)} and
 * {@link Cifar10Binary#read(java.nio.file.Path)}.
 */
public final class Datasets {
    public static final String MNIST = "mnist";
    public static final String CIFAR10 = "cifar10";

    private static final String MNIST_IMAGES = "mnist/t10k-images-idx3-ubyte.gz";
    private static final String MNIST_LABELS = "mnist/t10k-labels-idx1-ubyte.gz";
    private static final String CIFAR10_BATCH = "cifar10/test_batch_first100.bin";

    /**
     * Each bundled set is decoded at most once per class loader (MNIST takes a noticeable fraction
     * of a second to gunzip) and then shared: datasets are immutable. computeIfAbsent makes
     * concurrent first calls wait for one load; a failed load is not cached.
     */
    private static final ConcurrentMap<String, Dataset> LOADED = new ConcurrentHashMap<>();

    private Datasets() {
    }

    /** Names accepted by {@link #load(String)}. */
    public static List<String> names() {
        return List.of(MNIST, CIFAR10);
    }

    /**
     * A bundled dataset by name (case-insensitive), loaded on first use and cached.
     *
     * @throws DataException if the name is unknown or the bundled resource is missing or damaged
     */
    public static Dataset load(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (!names().contains(key)) {
            throw new DataException("dataset '" + name + "'", "unknown; bundled datasets are " + String.join(", ", names()));
        }
        return LOADED.computeIfAbsent(key, Datasets::readBundled);
    }

    private static Dataset readBundled(String key) {
        if (MNIST.equals(key)) {
            try (InputStream images = open(MNIST_IMAGES); InputStream labels = open(MNIST_LABELS)) {
                return MnistIdx.read(MNIST, images, resourcePath(MNIST_IMAGES), labels, resourcePath(MNIST_LABELS));
            } catch (IOException e) {
                throw new DataException(resourcePath(MNIST_IMAGES), "cannot be read: " + e, e);
            }
        }
        try (InputStream batch = open(CIFAR10_BATCH)) {
            return Cifar10Binary.read(CIFAR10, batch, resourcePath(CIFAR10_BATCH));
        } catch (IOException e) {
            throw new DataException(resourcePath(CIFAR10_BATCH), "cannot be read: " + e, e);
        }
    }

    private static InputStream open(String relative) {
        InputStream in = Datasets.class.getResourceAsStream(relative);
        if (in == null) {
            throw new DataException(resourcePath(relative), "bundled resource not found on the classpath");
        }
        return in;
    }

    private static String resourcePath(String relative) {
        return "classpath:/org/certus/data/" + relative;
    }
}
