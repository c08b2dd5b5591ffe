package org.certus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.certus.data.DataException;

/**
 * Benchmark suites bundled on the classpath (today ACAS Xu, CC BY 4.0, see
 * {@code org/certus/benchmarks/acasxu/SOURCES.md}), laid out as a VNN-COMP benchmark folder:
 * {@code instances.csv}, {@code onnx/}, {@code vnnlib/}, and {@code expected.csv} with the consensus answers.
 * {@link #extract} copies one to a temporary folder so that it runs like any other.
 */
public final class VnncompSuites {
    public static final List<String> NAMES = List.of("acasxu");
    private static final String ROOT = "/org/certus/benchmarks/";

    private VnncompSuites() {
    }

    /** Copies the suite's instances, networks, properties and expected answers to a new temporary folder. */
    public static Path extract(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown suite '" + name + "'; bundled suites: " + String.join(", ", NAMES));
        }
        String base = ROOT + name + "/";
        try {
            Path dir = Files.createTempDirectory("certus-suite-" + name + "-");
            copy(base + "instances.csv", dir.resolve("instances.csv"));
            copy(base + "expected.csv", dir.resolve("expected.csv"));
            List<VnncompInstances.Instance> instances;
            try (InputStream in = resource(base + "instances.csv")) {
                instances = VnncompInstances.read(new InputStreamReader(in, StandardCharsets.UTF_8), base + "instances.csv");
            }
            Set<String> files = new LinkedHashSet<>();
            for (VnncompInstances.Instance i : instances) {
                files.add(i.onnx());
                files.add(i.vnnlib());
            }
            for (String f : files) {
                Path target = dir.resolve(f).normalize();
                if (!target.startsWith(dir)) {
                    throw new DataException(base + "instances.csv", "path leaves the suite folder: " + f);
                }
                Files.createDirectories(target.getParent());
                copy(base + f, target);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot extract the bundled suite '" + name + "': " + e.getMessage(), e));
        }
    }

    /** Removes a folder made by {@link #extract}; best effort. */
    public static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = resource(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = VnncompSuites.class.getResourceAsStream(name);
        if (in == null) {
            throw new DataException(name, "bundled resource missing from the classpath");
        }
        return in;
    }
}
