package org.certus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.certus.data.DataException;

/**
 * Benchmark suites bundled on the classpath (today ACAS Xu, CC BY 4.0, see
 * {@code org/certus/benchmarks/acasxu/SOURCES.md}), laid out as a VNN-COMP benchmark folder:
 * {@code instances.csv}, {@code onnx/}, {@code vnnlib/}, and {@code expected.csv} with the consensus answers.
 * {@link #extract} copies one to a temporary folder so that it runs like any other.
 *
 * <p>A run killed with -9 cannot remove its copy. Each copy therefore names its owner (process id and start
 * time) in {@link #OWNER_FILE}, and every extraction first removes the copies whose owner is gone.
 */
public final class VnncompSuites {
    public static final List<String> NAMES = List.of("acasxu");
    private static final String ROOT = "/org/certus/benchmarks/";
    private static final String PREFIX = "certus-suite-";
    /** In each copy: {@code <pid> <start time in epoch ms>} of the process that extracted it. */
    static final String OWNER_FILE = ".certus-owner";
    /**
     * A copy without an owner file (killed between creating the folder and writing the file, or made by a
     * certus before owner files) counts as stale once it is this old: far longer than any suite run.
     */
    static final Duration UNOWNED_GRACE = Duration.ofDays(1);

    private VnncompSuites() {
    }

    /**
     * Copies the suite's instances, networks, properties and expected answers to a new temporary folder, after
     * removing the copies left by processes that are gone.
     */
    public static Path extract(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown suite '" + name + "'; bundled suites: " + String.join(", ", NAMES));
        }
        String base = ROOT + name + "/";
        try {
            Path dir = Files.createTempDirectory(PREFIX + name + "-");
            Files.writeString(dir.resolve(OWNER_FILE), ownerLine());
            removeStaleCopies(dir);
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

    /** This process's owner line: {@code <pid> <start time in epoch ms>} (0 when the start time is unknown). */
    static String ownerLine() {
        ProcessHandle self = ProcessHandle.current();
        return self.pid() + " " + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n";
    }

    /** Removes the other copies in {@code ours}'s folder whose owner process has ended; best effort, never throws. */
    private static void removeStaleCopies(Path ours) {
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(ours.getParent(), PREFIX + "*")) {
            for (Path copy : copies) {
                if (!copy.equals(ours) && Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS) && isStale(copy)) {
                    delete(copy);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Leftovers cost disk space only; the run goes on.
        }
    }

    /**
     * Whether a copy's owner is gone: its process no longer exists, or the pid now belongs to a process started
     * at another time. A copy without an owner file is stale after {@link #UNOWNED_GRACE}.
     */
    private static boolean isStale(Path copy) throws IOException {
        Path owner = copy.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)) {
            Instant modified = Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS).toInstant();
            return modified.isBefore(Instant.now().minus(UNOWNED_GRACE));
        }
        String[] parts = Files.readString(owner).strip().split(" ");
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return false; // not ours to judge
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        Optional<Instant> start = process.get().info().startInstant();
        return started != 0 && start.isPresent() && start.get().toEpochMilli() != started;
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
