package org.certus.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.certus.api.RobustnessResult;
import org.certus.api.RobustnessStatus;
import org.certus.bnb.DistortionBounds;
import org.certus.bnb.Verdict;
import org.certus.bnb.VerdictStatus;
import org.certus.bnb.WorstCaseMargin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** README.md's library snippet is {@link ReadmeExample}'s, and it gives the answers known for MNIST sample 8 at eps 0.1. */
class ReadmeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/org/certus/example/ReadmeExample.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void readmeShowsTheExampleVerbatim() throws IOException {
        List<String> source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        for (String line : source) {
            if (line.startsWith("import ")) {
                expected.add(line);
            }
        }
        expected.add("");
        int begin = source.indexOf("        // README:begin");
        int end = source.indexOf("        // README:end");
        assertTrue(begin >= 0 && end > begin, "markers in " + SOURCE);
        for (String line : source.subList(begin + 1, end)) {
            expected.add(line.length() >= 8 ? line.substring(8) : line.strip());
        }
        assertEquals(String.join("\n", expected), javaBlock(Files.readString(README, StandardCharsets.UTF_8)),
                "README.md's java block differs from " + SOURCE);
    }

    /** The first ```java block of the text, without its fences. */
    static String javaBlock(String markdown) {
        int start = markdown.indexOf("```java\n");
        assertTrue(start >= 0, "README.md has a ```java block");
        start += "```java\n".length();
        int end = markdown.indexOf("\n```", start);
        return markdown.substring(start, end);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void exampleGivesTheKnownAnswers() {
        Object[] r = ReadmeExample.run();
        Verdict v = (Verdict) r[0];
        RobustnessResult rr = (RobustnessResult) r[1];
        DistortionBounds d = (DistortionBounds) r[2];
        WorstCaseMargin w = (WorstCaseMargin) r[3];
        assertEquals(VerdictStatus.FALSIFIED, v.status(), v::toString);
        assertEquals(RobustnessStatus.VULNERABLE, rr.status(), rr::toString);
        assertTrue(rr.example().linfDistance() <= 0.1 + 1e-9, rr::toString);
        assertTrue(d.complete() && d.lower() <= d.upper() && d.upper() <= 0.1 + 1e-12 && d.upper() - d.lower() <= 1e-2 + 1e-12, d::toString);
        assertTrue(w.adversarial() && w.lower() <= w.upper(), w::toString);
    }
}
