package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certus vnncomp} on a tiny CSV over the bundled ACAS Xu files: rows, error rows, resume, expected answers. */
class VnncompCommandTest {
    static Path suite;

    @TempDir
    Path tmp;

    @BeforeAll
    static void extract() {
        suite = VnncompSuites.extract("acasxu");
    }

    @AfterAll
    static void cleanUp() {
        VnncompSuites.delete(suite);
    }

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
}
