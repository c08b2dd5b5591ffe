package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code certus vnncomp --suite} extracts the bundled suite into the temporary folder and removes it at the end;
 * a run killed with -9 left its copy behind every time. The next extraction removes the copies whose process is
 * gone, and only those.
 */
class SuiteExtractionTest {

    @Test
    void copiesOfDeadRunsAreRemovedAtTheNextExtraction() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Process finished = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        finished.waitFor();
        Path dead = Files.createTempDirectory(tmp, "certus-suite-acasxu-");
        Files.writeString(dead.resolve(VnncompSuites.OWNER_FILE), finished.pid() + " 0\n");
        Files.writeString(dead.resolve("instances.csv"), "left behind\n");
        Path oldUnowned = Files.createTempDirectory(tmp, "certus-suite-acasxu-");
        Files.setLastModifiedTime(oldUnowned, FileTime.from(Instant.now().minus(VnncompSuites.UNOWNED_GRACE).minus(Duration.ofHours(1))));
        Path newUnowned = Files.createTempDirectory(tmp, "certus-suite-acasxu-");
        Path live = Files.createTempDirectory(tmp, "certus-suite-acasxu-");
        Files.writeString(live.resolve(VnncompSuites.OWNER_FILE), VnncompSuites.ownerLine());
        Path other = Files.createTempDirectory(tmp, "certus-other-");
        Files.writeString(other.resolve(VnncompSuites.OWNER_FILE), finished.pid() + " 0\n");
        Path copy = VnncompSuites.extract("acasxu");
        try {
            assertFalse(Files.exists(dead), "the copy of a process that is gone is removed");
            assertFalse(Files.exists(oldUnowned), "a copy without owner older than the grace period is removed");
            assertTrue(Files.exists(newUnowned), "a fresh copy without owner may be a run that just started");
            assertTrue(Files.exists(live), "the copy of a live process is kept");
            assertTrue(Files.exists(other), "only certus-suite-* folders are touched");
            assertEquals(VnncompSuites.ownerLine(), Files.readString(copy.resolve(VnncompSuites.OWNER_FILE)));
            assertTrue(Files.isRegularFile(copy.resolve("instances.csv")));
        } finally {
            for (Path p : List.of(dead, oldUnowned, newUnowned, live, other, copy)) {
                if (Files.exists(p)) {
                    VnncompSuites.delete(p);
                }
            }
        }
    }
}
