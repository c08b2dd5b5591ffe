package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code certus vnncomp} on a tiny CSV over the bundled ACAS Xu files: rows, error rows, resume, expected answers. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VnncompCommandTest {
    static final String NET_1_1 = "onnx/ACASXU_run2a_1_1_batch_2000.onnx";
    static final String NET_1_2 = "onnx/ACASXU_run2a_1_2_batch_2000.onnx";

    static final Path suite = AcasXuSuite.dir();

    @TempDir
    Path tmp;

    /** Two fast instances (unsat and sat) and one whose property file does not exist. */
    Path tinyCsv(boolean header) throws IOException {
        Path csv = tmp.resolve("instances.csv");
        Files.writeString(csv, (header ? "onnx,vnnlib,timeout\n" : "")
                + "onnx/ACASXU_run2a_1_1_batch_2000.onnx,vnnlib/prop_1.vnnlib,60\n"
                + "onnx/ACASXU_run2a_1_2_batch_2000.onnx,vnnlib/prop_2.vnnlib,60\n"
                + "onnx/ACASXU_run2a_1_1_batch_2000.onnx,vnnlib/no_such_prop.vnnlib,60\n");
        return csv;
    }

    @Test
    void runsEveryRowWritesAnErrorRowAndResumes() throws IOException {
        Path csv = tinyCsv(false);
        Path results = tmp.resolve("results.csv");
        CliRun r = CliRun.of("vnncomp", "--instances", csv.toString(), "--root", suite.toString(), "--results", results.toString(),
                "--expected", suite.resolve("expected.csv").toString());
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, VnncompResults.Row> rows = VnncompResults.read(results);
        assertEquals(3, rows.size(), r::toString);
        List<VnncompResults.Row> list = List.copyOf(rows.values());
        assertEquals("unsat", list.get(0).result(), r::toString);
        assertEquals("sat", list.get(1).result(), r::toString);
        assertEquals("error", list.get(2).result(), r::toString);
        assertTrue(r.err().contains("no_such_prop.vnnlib"), r::toString);
        assertTrue(r.out().contains("0 WRONG"), r::toString);
        assertTrue(r.out().contains("sat          1"), r::toString);

        // Resume: nothing runs again, the file is unchanged, the summary still covers every row.
        String before = Files.readString(results);
        CliRun again = CliRun.of("vnncomp", "--instances", csv.toString(), "--root", suite.toString(), "--results", results.toString(), "-q");
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("3 already in"), again::toString);
        assertEquals(before, Files.readString(results));
        assertTrue(again.out().contains("total          3"), again::toString);
    }

    @Test
    void partialLastLineIsCutAndThatInstanceRunsAgain() throws IOException {
        Path csv = tinyCsv(true); // with a header row this time
        Path results = tmp.resolve("results.csv");
        Files.writeString(results, "onnx/ACASXU_run2a_1_1_batch_2000.onnx,vnnlib/prop_1.vnnlib,unsat,1.000,10\n"
                + "onnx/ACASXU_run2a_1_2_batch_2000.onnx,vnnlib/prop_2.vnn");
        CliRun r = CliRun.of("vnncomp", "--instances", csv.toString(), "--results", results.toString(), "--root", suite.toString(),
                "--only", "2");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("partial last line"), r::toString);
        List<String> lines = Files.readAllLines(results);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith(",unsat,1.000,10"), "kept row untouched");
        assertTrue(lines.get(1).startsWith("onnx/ACASXU_run2a_1_2_batch_2000.onnx,vnnlib/prop_2.vnnlib,sat,"), lines::toString);
    }

    @Test
    void wrongAnswerVsExpectedExitsThree() throws IOException {
        Path csv = tinyCsv(false);
        Path results = tmp.resolve("results.csv");
        Files.writeString(results, "onnx/ACASXU_run2a_1_1_batch_2000.onnx,vnnlib/prop_1.vnnlib,sat,1.000,10\n");
        CliRun r = CliRun.of("vnncomp", "--instances", csv.toString(), "--root", suite.toString(), "--results", results.toString(),
                "--only", "1", "--expected", suite.resolve("expected.csv").toString());
        assertEquals(VnncompCommand.EXIT_WRONG_ANSWER, r.exitCode(), r::toString);
        assertTrue(r.out().contains("WRONG ANSWER: onnx/ACASXU_run2a_1_1_batch_2000.onnx vnnlib/prop_1.vnnlib: got sat, expected unsat"),
                r::toString);
    }

    @Test
    void vnncompExpectedCsvFormatMatchesByFileName() throws IOException {
        Path e = tmp.resolve("expected.csv");
        Files.writeString(e, "benchmark,onnx,vnnlib,timeout,consensus,basis\n"
                + "acasxu,acasxu/onnx/A.onnx,acasxu/vnnlib/p.vnnlib,116,sat,x\n"
                + "other,other/onnx/B.onnx.gz,other/vnnlib/q.vnnlib.gz,116,unsat,x\n"
                + "other,other/onnx/C.onnx,other/vnnlib/q.vnnlib,116,unknown,x\n");
        VnncompExpected x = VnncompExpected.read(e);
        assertEquals("sat", x.answer("onnx/A.onnx", "vnnlib/p.vnnlib").orElseThrow());
        assertEquals("unsat", x.answer("onnx/B.onnx", "vnnlib/q.vnnlib").orElseThrow());
        assertTrue(x.answer("onnx/C.onnx", "vnnlib/q.vnnlib").isEmpty());
        assertTrue(x.isWrong("onnx/A.onnx", "vnnlib/p.vnnlib", "unsat"));
        assertFalse(x.isWrong("onnx/A.onnx", "vnnlib/p.vnnlib", "timeout"));
    }

    @Test
    void badCsvAndOptions() throws IOException {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "onnx/a.onnx,vnnlib/p.vnnlib,116\nonnx/a.onnx,vnnlib/p.vnnlib,soon\n");
        BadInputTest.assertOneLineError(CliRun.of("vnncomp", "--instances", csv.toString(), "--results", tmp.resolve("r.csv").toString()),
                "bad.csv:2");
        String missing = tmp.resolve("none.csv").toString();
        BadInputTest.assertOneLineError(CliRun.of("vnncomp", "--instances", missing, "--results", tmp.resolve("r.csv").toString()), missing);
        BadInputTest.assertOneLineError(CliRun.of("vnncomp", "--suite", "nosuch", "--results", tmp.resolve("r.csv").toString()), "nosuch");
        BadInputTest.assertOneLineError(CliRun.of("vnncomp", "--suite", "acasxu", "--instances", csv.toString(),
                "--results", tmp.resolve("r.csv").toString()));
        Files.writeString(tmp.resolve("r.csv"), "x\n", StandardOpenOption.CREATE);
        BadInputTest.assertOneLineError(CliRun.of("vnncomp", "--instances", tinyCsv(false).toString(), "--root", suite.toString(),
                "--results", tmp.resolve("r.csv").toString()), "r.csv:1");
    }

    private String[] vnncomp(Path csv, Path results, String... more) {
        List<String> a = new ArrayList<>(List.of("vnncomp", "--instances", csv.toString(), "--root", suite.toString(),
                "--results", results.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * Two runs into one results file both exited 0 with 20 rows each while the file kept 21–22. The second run is
     * now refused (exit 2, the file named) while the first, a separate JVM, holds the file's OS lock.
     */
    @Test
    void aSecondRunIntoTheSameResultsFileIsRefused() throws Exception {
        Path csv = tmp.resolve("nine.csv");
        StringBuilder rows = new StringBuilder();
        for (int b = 1; b <= 9; b++) {
            rows.append("onnx/ACASXU_run2a_1_").append(b).append("_batch_2000.onnx,vnnlib/prop_1.vnnlib,60\n");
        }
        Files.writeString(csv, rows);
        Path results = tmp.resolve("shared.csv");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Certus.class.getName()));
        cmd.addAll(List.of(vnncomp(csv, results, "-q")));
        Path childOut = tmp.resolve("child.out");
        Process first = new ProcessBuilder(cmd).redirectOutput(childOut.toFile()).redirectError(tmp.resolve("child.err").toFile()).start();
        try {
            // "instances: ..." is printed once the first run holds the lock.
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (first.isAlive() && !(Files.exists(childOut) && Files.readString(childOut).contains("instances:"))
                    && System.nanoTime() < giveUp) {
                Thread.sleep(10);
            }
            Assumptions.assumeTrue(first.isAlive(), "the first run ended before the second could start");
            CliRun second = CliRun.of(vnncomp(csv, results, "-q"));
            BadInputTest.assertOneLineError(second, results.toString(), "another certus vnncomp run");
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        // Whatever the first run wrote is whole rows (plus at most a partial last line from the kill).
        String text = Files.readString(results);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
            assertTrue(line.matches(".*,prop_1\\.vnnlib,unsat,[0-9.]+,[0-9]+"), text);
        }
    }

    /** A run with a wrong --root records error rows; {@code --rerun errors} (not the default) solves them again. */
    @Test
    void rerunErrorsTimeoutsAndAlways() throws IOException {
        Path csv = tinyCsv(false);
        Path results = tmp.resolve("results.csv");
        Files.writeString(results, NET_1_1 + ",vnnlib/prop_1.vnnlib,error,0.010,0\n" + NET_1_2 + ",vnnlib/prop_2.vnnlib,timeout,60.000,5\n");

        CliRun never = CliRun.of(vnncomp(csv, results, "--only", "2", "-q"));
        assertEquals(0, never.exitCode(), never::toString);
        assertTrue(never.out().contains("(2 already in"), never::toString);

        CliRun errors = CliRun.of(vnncomp(csv, results, "--only", "2", "-q", "--rerun", "errors"));
        assertEquals(0, errors.exitCode(), errors::toString);
        assertTrue(errors.out().contains("1 to run"), errors::toString);
        Map<String, VnncompResults.Row> rows = VnncompResults.read(results);
        assertEquals("unsat", rows.get(VnncompResults.key(NET_1_1, "vnnlib/prop_1.vnnlib")).result());
        assertEquals("timeout", rows.get(VnncompResults.key(NET_1_2, "vnnlib/prop_2.vnnlib")).result());

        CliRun timeouts = CliRun.of(vnncomp(csv, results, "--only", "2", "-q", "--rerun", "timeouts"));
        assertEquals(0, timeouts.exitCode(), timeouts::toString);
        assertTrue(timeouts.out().contains("1 to run"), timeouts::toString);
        assertEquals("sat", VnncompResults.read(results).get(VnncompResults.key(NET_1_2, "vnnlib/prop_2.vnnlib")).result());

        CliRun always = CliRun.of(vnncomp(csv, results, "--only", "2", "-q", "--rerun", "always"));
        assertEquals(0, always.exitCode(), always::toString);
        assertTrue(always.out().contains("2 to run"), always::toString);
        // Rows are appended, never rewritten; the last row of an instance wins.
        assertEquals(6, Files.readAllLines(results).size());
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(csv, results, "--rerun", "sometimes")), "sometimes");
    }

    /** A refused run (a bad middle row) once cut the partial last line first; now nothing is touched. */
    @Test
    void aRefusedRunLeavesTheResultsFileExactlyAsItWas() throws IOException {
        Path results = tmp.resolve("results.csv");
        String text = NET_1_1 + ",vnnlib/prop_1.vnnlib,unsat,1.000,10\nnot,a,row\n" + NET_1_2 + ",vnnlib/prop_2.vnn";
        Files.writeString(results, text);
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results)), results + ":2");
        assertEquals(text, Files.readString(results));
    }

    @Test
    void unknownResultWordsAreRefusedOnResume() throws IOException {
        Path results = tmp.resolve("results.csv");
        String text = NET_1_1 + ",vnnlib/prop_1.vnnlib,unXat,1.000,10\n";
        Files.writeString(results, text);
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results)), results + ":1", "unXat");
        assertEquals(text, Files.readString(results));
    }

    /** CSV syntax errors (commons-csv's own messages) name the file they are in. */
    @Test
    void csvSyntaxErrorsNameTheFile() throws IOException {
        Path results = tmp.resolve("r.csv");
        Path csv = tmp.resolve("quotes.csv");
        Files.writeString(csv, NET_1_1 + ",vnnlib/prop_1.vnnlib,60\n\"onnx/x.onnx\"junk,vnnlib/prop_1.vnnlib,60\n");
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(csv, results)), csv.toString());
        Path expected = tmp.resolve("expected.csv");
        Files.writeString(expected, "onnx,,vnnlib,expected\na,x,b,sat\n");
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results, "--expected", expected.toString())), expected.toString());
        Files.writeString(expected, "onnx,vnnlib,expected\n\"a,c,sat\n");
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results, "--expected", expected.toString())), expected.toString());
        assertFalse(Files.exists(results), "nothing written for bad input");
    }

    @Test
    void debugPrintsTheStackTraceOfAnInstanceError() throws IOException {
        Path csv = tmp.resolve("missing.csv");
        Files.writeString(csv, NET_1_1 + ",vnnlib/no_such_prop.vnnlib,60\n");
        CliRun plain = CliRun.of(vnncomp(csv, tmp.resolve("a.csv"), "-q"));
        assertTrue(plain.err().contains("no_such_prop.vnnlib") && !plain.err().contains("\tat "), plain::toString);
        CliRun debug = CliRun.of(vnncomp(csv, tmp.resolve("b.csv"), "-q", "--debug"));
        assertEquals(0, debug.exitCode(), debug::toString);
        assertTrue(debug.err().contains("no_such_prop.vnnlib") && debug.err().contains("\tat "), debug::toString);
    }

    /** A notice that quotes a line of the file shows control bytes escaped, never raw (NUL once reached the terminal). */
    @Test
    void aQuotedPartialLineHasNoRawControlBytes() throws IOException {
        Path results = tmp.resolve("results.csv");
        Files.write(results, (NET_1_1 + ",vnnlib/prop_1.vnnlib,unsat,1.000,10\n" + NET_1_2 + "\u0000\u0001\u001b[31m").getBytes(StandardCharsets.UTF_8));
        CliRun r = CliRun.of(vnncomp(tinyCsv(false), results, "--only", "1"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("partial last line"), r::toString);
        assertTrue(r.err().chars().noneMatch(c -> Character.isISOControl(c) && c != '\n'), r::toString);
        assertTrue(r.err().contains("\\u0000"), r::toString);
    }

    /**
     * A write the OS refuses (here a file size limit, {@code ulimit -f}, like a full disk) names the results file; it
     * once said only "results file: cannot append…". A separate JVM, since the limit is per process.
     */
    @Test
    void aRefusedWriteNamesTheResultsFile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && System.getProperty("os.name").startsWith("Linux"));
        Path csv = tmp.resolve("one.csv");
        Files.writeString(csv, NET_1_1 + ",vnnlib/prop_1.vnnlib,60\n");
        Path results = tmp.resolve("full.csv");
        // At least 8 KiB of rows: the limit below (8 blocks of 512 bytes or 1 KiB, by shell) leaves no room for another.
        StringBuilder pad = new StringBuilder();
        for (int i = 0; pad.length() < 8192; i++) {
            pad.append("onnx/pad").append(i).append(".onnx,vnnlib/p.vnnlib,unsat,1.000,1\n");
        }
        Files.writeString(results, pad);
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), Certus.class.getName()));
        java.addAll(List.of(vnncomp(csv, results, "-q")));
        StringBuilder sh = new StringBuilder("ulimit -f 8 && exec");
        for (String a : java) {
            sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Process p = new ProcessBuilder("/bin/sh", "-c", sh.toString()).redirectOutput(tmp.resolve("o.txt").toFile())
                .redirectError(tmp.resolve("e.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child ended");
        String err = Files.readString(tmp.resolve("e.txt"));
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("certus: error: " + results + ": "), err);
    }

    /** --results /dev/zero was read until the heap ran out; non-regular files are refused before reading. */
    @Test
    void nonRegularResultsFilesAreRefused() throws IOException {
        Path csv = tinyCsv(false);
        for (String dev : List.of("/dev/zero", "/dev/null")) {
            Assumptions.assumeTrue(Files.exists(Path.of(dev)));
            BadInputTest.assertOneLineError(CliRun.of(vnncomp(csv, Path.of(dev))), dev, "not a regular file");
        }
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(csv, tmp)), tmp.toString(), "not a regular file");
    }

    /** --timeout-scale 1e9 ended in "internal error: long overflow" and an error row with exit 0. */
    @Test
    void absurdTimeoutScalesAreRefused() throws IOException {
        Path results = tmp.resolve("r.csv");
        for (String scale : List.of("1e9", "1e300", "0x1p3", "2f")) {
            BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results, "--time-limit-scale", scale)), "--time-limit-scale");
        }
        // The old name still reads, and a value out of range is refused under the name typed.
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), results, "--timeout-scale", "1e9")), "--timeout-scale");
        BadInputTest.assertOneLineError(CliRun.of(vnncomp(tinyCsv(false), Path.of(""))), "--results");
        assertFalse(Files.exists(results), "nothing written for bad input");
    }
}
