package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BoundsCommandTest {

    private static int unstable(CliRun r) {
        List<String> lines = r.outLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("unstable: \\d+ of 4804"), r::toString);
        return Integer.parseInt(last.split(" ")[1]);
    }

    @Test
    void symbolicIsTighterThanIntervalAndLinesAddUp() {
        CliRun iv = CliRun.of("bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1",
                "--tightening", "interval");
        CliRun sy = CliRun.of("bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1");
        assertEquals(0, iv.exitCode(), iv::toString);
        assertEquals(0, sy.exitCode(), sy::toString);
        assertTrue(unstable(sy) <= unstable(iv), sy + "\n" + iv);
        // Every layer line: width = active + inactive + unstable.
        for (String line : sy.outLines()) {
            if (line.matches("\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+")) {
                String[] f = line.trim().split("\\s+");
                assertEquals(Integer.parseInt(f[1]), Integer.parseInt(f[2]) + Integer.parseInt(f[3]) + Integer.parseInt(f[4]), line);
            }
        }
    }

    @Test
    void mipIsNoLooserThanLpAndLpNoLooserThanSymbolic() {
        String[] common = {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "14", "--eps", "0.1"};
        CliRun sy = CliRun.of(common);
        CliRun lp = CliRun.of(concat(common, "--tightening", "lp"));
        CliRun mip = CliRun.of(concat(common, "--tightening", "mip", "--neuron-time-limit", "0.5"));
        assertEquals(0, mip.exitCode(), mip::toString);
        assertTrue(unstable(mip) <= unstable(lp) && unstable(lp) <= unstable(sy), sy + "\n" + lp + "\n" + mip);
        assertTrue(mip.out().contains("mip: "), mip::toString);
    }

    /**
     * Sample 14: LP tightening leaves 47 ReLUs unstable, and inputs of both signs exist for every one of them
     * (so 47 is the exact count).
     */
    @Test
    void witnessesShowEveryReluLpLeavesUnstableTakesBothSigns() {
        CliRun r = CliRun.of("bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "14", "--eps", "0.1",
                "--tightening", "lp", "--witnesses");
        assertEquals(0, r.exitCode(), r::toString);
        int unstable = unstable(r);
        int[] w = witnessed(r, unstable);
        assertEquals(unstable, w[0], r::toString);
        assertTrue(r.err().isEmpty(), r::toString);
    }

    /**
     * Sample 15, symbolic bounds: 160 unstable, of which 5 are stable in truth (LP tightening and branch and bound agree).
     * With no time for branch and bound nothing is proved stable, and at least those 5 stay
     * undecided.
     */
    @Test
    void witnessBudgetZeroLeavesWhatTheAttackCannotShowUndecided() {
        CliRun r = CliRun.of("bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "15", "--eps", "0.1",
                "--witnesses", "--witness-budget", "0");
        assertEquals(0, r.exitCode(), r::toString);
        int[] w = witnessed(r, unstable(r));
        assertEquals(0, w[1], r::toString);
        assertTrue(w[2] >= 5, r::toString);
    }

    /** {both signs, proved stable, undecided} from the "witnessed:" line, checked to add up to {@code unstable}. */
    private static int[] witnessed(CliRun r, int unstable) {
        String line = r.outLines().stream().filter(l -> l.startsWith("witnessed: ")).findFirst().orElseThrow(() -> new AssertionError(r));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("witnessed: (\\d+) of the (\\d+) unstable take both signs, (\\d+) proved stable by search, (\\d+) undecided .*")
                .matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(unstable, Integer.parseInt(m.group(2)), line);
        int[] w = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))};
        assertEquals(unstable, w[0] + w[1] + w[2], line);
        return w;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void epsZeroLeavesNothingUnstableButExactZeros() {
        CliRun r = CliRun.of("bounds", "--network", "mnist-rsl18a", "--dataset", "mnist", "--sample", "3", "--eps", "0",
                "--tightening", "interval");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.outLines().get(r.outLines().size() - 1).matches("unstable: 0 of 500"), r::toString);
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "10000", "--eps", "0.1"},
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "-1"},
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--tightening", "milp"},
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--tightening", "mip",
                "--neuron-time-limit", "0"},
            {"bounds", "--network", "no-such-net", "--dataset", "mnist", "--sample", "0", "--eps", "0.1"},
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--witnesses", "-1"},
            {"bounds", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--witnesses",
                "--witness-budget", "NaN"},
            {"export-mps", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--out",
                "/no/such/dir/x.mps"},
            {"export-mps", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1", "--out", "x.mps",
                "--objective", "best"},
        };
        for (String[] args : bad) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertTrue(r.err().startsWith("certus: error: "), r::toString);
        }
    }

    @Test
    void exportMpsWritesAModelWithOneBinaryPerUnstableReluAndTarget(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("q.mps");
        CliRun r = CliRun.of("export-mps", "--network", "mnist-wk17a", "--dataset", "mnist", "--sample", "0", "--eps", "0.1",
                "--objective", "worst", "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        String mps = Files.readString(out);
        assertTrue(mps.startsWith("NAME") || mps.contains("\nNAME"), "no NAME section");
        assertTrue(mps.contains("ROWS") && mps.contains("COLUMNS") && mps.contains("BOUNDS") && mps.contains("ENDATA"));
        // 122 unstable ReLUs with symbolic bounds (see bounds) + kept target binaries.
        assertTrue(r.out().contains("(12"), r::toString);
    }
}
