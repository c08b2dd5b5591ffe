package org.certus.nn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.io.mat.MipVerifyImporter;
import org.certus.nn.io.nnet.NnetImporter;

/**
 * One entry point that turns what a user types ({@code --network X}) into a {@link Network}: a
 * bundled name, or a file whose format is chosen by its extension.
 *
 * <p>Bundled names: {@code mnist-wk17a} and {@code mnist-rsl18a} (the MIPVerify paper's MNIST
 * networks, input domain [0,1]) and {@code acasxu-N-M} for ACAS Xu {@code run2a_N_M}
 * (N in 1..5, M in 1..9; input domain unbounded — the VNN-LIB property supplies the box).
 * Provenance: {@code org/certus/networks/SOURCES.md} and
 * {@code org/certus/benchmarks/acasxu/SOURCES.md}.
 *
 * <p>Files: {@code .onnx} / {@code .onnx.gz} (ONNX), {@code .nnet} (NNet), {@code .mat}
 * (MIPVerify weights, with the architecture in the {@code .json} of the same base name beside it).
 */
public final class NetworkLoader {
    private static final String MNIST_WK17A = "mnist-wk17a";
    private static final String MNIST_RSL18A = "mnist-rsl18a";
    private static final Map<String, String> MNIST_RESOURCES = Map.of(
            MNIST_WK17A, "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx",
            MNIST_RSL18A, "/org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx");
    private static final Pattern ACASXU = Pattern.compile("acasxu-([1-5])-([1-9])");
    private static final String ACASXU_RESOURCE = "/org/certus/benchmarks/acasxu/onnx/ACASXU_run2a_%s_%s_batch_2000.onnx";

    /** Shown in the "unknown network" message; the full list would be 47 names. */
    private static final String BUNDLED_SUMMARY = MNIST_WK17A + ", " + MNIST_RSL18A + ", acasxu-1-1 .. acasxu-5-9";

    /**
     * Bundled networks are parsed at most once per class loader (wk17a takes a noticeable part of a
     * second) and then shared: a Network is immutable. computeIfAbsent makes concurrent first calls
     * for the same name wait for a single load; a failed load throws and is not cached.
     */
    private static final ConcurrentMap<String, Network> BUNDLED = new ConcurrentHashMap<>();

    private NetworkLoader() {
    }

    /** Every bundled name, MNIST networks first. */
    public static List<String> bundledNames() {
        List<String> names = new ArrayList<>();
        names.add(MNIST_WK17A);
        names.add(MNIST_RSL18A);
        for (int n = 1; n <= 5; n++) {
            for (int m = 1; m <= 9; m++) {
                names.add("acasxu-" + n + "-" + m);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * A bundled network by name (case-insensitive) or a network file by path.
     *
     * @throws NetworkException if the name is neither bundled nor an existing file, the format is
     *         unknown, or the file is malformed (the message names the file)
     */
    public static Network load(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new NetworkException("no network given: use a bundled name (" + BUNDLED_SUMMARY + ") or a file");
        }
        String key = nameOrPath.trim().toLowerCase(Locale.ROOT);
        if (MNIST_RESOURCES.containsKey(key) || ACASXU.matcher(key).matches()) {
            return BUNDLED.computeIfAbsent(key, NetworkLoader::loadBundled);
        }
        Path file = toPath(nameOrPath);
        if (!Files.exists(file)) {
            throw new NetworkException(looksLikeFile(nameOrPath)
                    ? nameOrPath + ": no such network file"
                    : "unknown network '" + nameOrPath + "': not a bundled name (" + BUNDLED_SUMMARY + ") and no such file");
        }
        if (Files.isDirectory(file)) {
            throw new NetworkException(nameOrPath + ": is a directory, not a network file");
        }
        if (!Files.isRegularFile(file)) {
            throw new NetworkException(nameOrPath + ": not a regular file (a device or pipe), not a network file");
        }
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".onnx") || lower.endsWith(".onnx.gz")) {
            return OnnxImporter.read(file);
        }
        if (lower.endsWith(".nnet")) {
            return NnetImporter.read(file);
        }
        if (lower.endsWith(".mat")) {
            String base = file.getFileName().toString();
            Path json = file.resolveSibling(base.substring(0, base.length() - ".mat".length()) + ".json");
            if (!Files.isRegularFile(json)) {
                throw new NetworkException(nameOrPath + ": a MIPVerify .mat needs its architecture file " + json
                        + " beside it (missing)");
            }
            return load(file.toString(), json.toString());
        }
        throw new NetworkException(nameOrPath + ": unknown network format (expected .onnx, .onnx.gz, .nnet, or .mat with a .json beside it)");
    }

    /** A MIPVerify network: weights in {@code mat}, architecture in {@code json}. */
    public static Network load(String mat, String json) {
        Path matFile = toPath(mat);
        Path jsonFile = toPath(json);
        for (Path p : new Path[] {matFile, jsonFile}) {
            if (!Files.isRegularFile(p)) {
                throw new NetworkException(p + ": no such file");
            }
        }
        return MipVerifyImporter.read(matFile, jsonFile);
    }

    private static Network loadBundled(String key) {
        String resource;
        Matcher acas = ACASXU.matcher(key);
        if (acas.matches()) {
            resource = String.format(ACASXU_RESOURCE, acas.group(1), acas.group(2));
        } else {
            resource = MNIST_RESOURCES.get(key);
        }
        Network imported;
        try (InputStream in = NetworkLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NetworkException("bundled network '" + key + "': resource classpath:" + resource + " not found (damaged jar?)");
            }
            imported = OnnxImporter.read(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new NetworkException("bundled network '" + key + "': cannot read classpath:" + resource + ": " + e.getMessage(), e);
        }
        // The MNIST networks take pixels byte/255 with no normalisation (networks/SOURCES.md), so
        // [0,1] is their true domain whatever the importer's default is. ACAS Xu keeps the
        // importer's unbounded domain: its properties carry their own boxes.
        InputDomain domain = MNIST_RESOURCES.containsKey(key)
                ? InputDomain.uniform(imported.inputSize(), 0.0, 1.0)
                : imported.inputDomain();
        return imported.withNameAndDomain(key, domain);
    }

    private static Path toPath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new NetworkException("'" + s + "' is not a valid file path: " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeFile(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return s.contains("/") || s.contains("\\")
                || lower.endsWith(".onnx") || lower.endsWith(".gz") || lower.endsWith(".nnet") || lower.endsWith(".mat");
    }
}
