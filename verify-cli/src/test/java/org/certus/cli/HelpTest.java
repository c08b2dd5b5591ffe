package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The top-level help lists every command with a whole sentence, no line is broken inside a word, and every command's
 * help renders without picocli's format warnings (a bare {@code %} in a description).
 */
class HelpTest {
    /** The "Commands:" section as command name -> its summary (wrapped lines joined). */
    static Map<String, String> summaries(List<String> help) {
        Map<String, String> m = new LinkedHashMap<>();
        int start = help.indexOf("Commands:");
        assertTrue(start >= 0, String.join("\n", help));
        String current = null;
        for (String line : help.subList(start + 1, help.size())) {
            if (line.isBlank()) {
                break;
            }
            if (line.startsWith("  ") && !line.startsWith("    ")) {
                String[] parts = line.strip().split("\\s+", 2);
                current = parts[0];
                m.put(current, parts.length > 1 ? parts[1] : "");
            } else {
                m.put(current, m.get(current) + " " + line.strip());
            }
        }
        return m;
    }

    @Test
    void everyCommandIsSummarisedByAWholeSentence() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, String> s = summaries(r.outLines());
        assertEquals(List.of("info", "evaluate", "robustness", "bounds", "export-mps", "vnnlib", "vnncomp"), new ArrayList<>(s.keySet()));
        s.forEach((command, summary) -> assertTrue(summary.endsWith("."), command + ": '" + summary + "' stops mid-sentence"));
    }

    /**
     * picocli formats descriptions with {@code String.format}: a bare {@code %} makes it print a warning on
     * {@code System.err} for every option and show the raw string ({@code robustness --help} did, three times).
     */
    @Test
    void everyCommandsHelpRendersWithoutFormatWarnings() {
        List<String> commands = new ArrayList<>(summaries(CliRun.of("--help").outLines()).keySet());
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream e = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(e);
            for (String command : commands) {
                CliRun r = CliRun.of(command, "--help");
                assertEquals(0, r.exitCode(), command + ": " + r);
                assertTrue(!r.out().contains("%%") && !r.out().contains("%n"), command + " --help shows a raw format string:\n" + r.out());
            }
        } finally {
            System.setErr(saved);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertTrue(!warnings.contains("picocli WARN"), warnings);
        assertTrue(CliRun.of("robustness", "--help").out().contains("5% of the time"), "robustness --help lost its text");
    }

    @Test
    void noLineStartsWithTheRestOfABrokenWord() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"vnnlib", "--help"}, new String[] {"robustness", "--help"})) {
            for (String line : CliRun.of(args).outLines()) {
                String t = line.strip();
                assertTrue(!t.startsWith(".") && !t.startsWith(","), String.join(" ", args) + ": '" + line + "'");
            }
        }
    }
}
