package org.certus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import org.certus.data.DataException;
import org.certus.nn.NetworkException;
import org.junit.jupiter.api.Test;

/** Classification of failures into exit codes, for exceptions no command line can provoke today. */
class ErrorReporterTest {

    private static String[] handle(Exception e, boolean debug, int[] code) {
        StringWriter buf = new StringWriter();
        ErrorReporter reporter = new ErrorReporter(new PrintWriter(buf), debug);
        code[0] = reporter.handleExecutionException(e, null, null);
        return buf.toString().lines().toArray(String[]::new);
    }

    @Test
    void unexpectedExceptionIsAnInternalErrorWithExitCodeOne() {
        int[] code = new int[1];
        String[] lines = handle(new IllegalStateException("boom"), false, code);
        assertEquals(1, code[0]);
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("certus: internal error: java.lang.IllegalStateException: boom"), lines[0]);

        String[] debugLines = handle(new IllegalStateException("boom"), true, code);
        assertEquals(1, code[0]);
        assertTrue(debugLines.length > 1 && debugLines[1].startsWith("java.lang.IllegalStateException"));
    }

    @Test
    void moduleExceptionsAreBadInput() {
        int[] code = new int[1];
        for (Exception e : new Exception[] {
                new NetworkException("net.onnx: bad"),
                new DataException("img.idx", "bad magic"),
                new UncheckedIOException(new NoSuchFileException("x.csv")),
                new NoSuchFileException("y.csv"),
                new IllegalArgumentException("bad value")}) {
            String[] lines = handle(e, false, code);
            assertEquals(2, code[0], e::toString);
            assertEquals(1, lines.length, e::toString);
            assertTrue(lines[0].startsWith("certus: error: "), lines[0]);
            assertFalse(lines[0].contains("Exception"), lines[0]);
        }
        handle(new UncheckedIOException(new NoSuchFileException("x.csv")), false, code);
        assertEquals("certus: error: x.csv: no such file", handle(new NoSuchFileException("x.csv"), false, code)[0]);
    }

    @Test
    void multiLineMessagesBecomeOneLine() {
        int[] code = new int[1];
        String[] lines = handle(new NetworkException("first\n  second\r\nthird"), false, code);
        assertEquals(1, lines.length);
        assertEquals("certus: error: first second third", lines[0]);
    }
}
