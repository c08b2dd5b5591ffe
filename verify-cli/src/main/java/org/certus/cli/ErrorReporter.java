package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Set;

import org.certus.bounds.BoundsException;
import org.certus.data.DataException;
import org.certus.nn.NetworkException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become output: a single line {@code certus: error: ...} and exit
 * code 2 for bad input and usage errors, {@code certus: internal error: ...} and exit code 1 for
 * anything else (a bug). The stack trace follows only with {@code --debug}: users get the
 * message that names the file and the problem, developers opt in to the rest.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_INTERNAL = 1;

    /**
     * Bad-input exceptions of modules that may not be on this branch yet, matched by name so the
     * CLI need not wait for them (org.certus.spec arrives with the VNN-LIB work).
     */
    private static final Set<String> BAD_INPUT_BY_NAME = Set.of("org.certus.spec.SpecException");

    private final PrintWriter err;
    private final boolean debug;

    ErrorReporter(PrintWriter err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        String command = ex.getCommandLine() == null ? "certus" : ex.getCommandLine().getCommandSpec().qualifiedName();
        return report("error", oneLine(ex.getMessage()) + " (see '" + command + " --help')", ex, EXIT_BAD_INPUT);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        if (ex instanceof ParameterException pe) {
            return handleParseException(pe, new String[0]);
        }
        if (isBadInput(ex)) {
            return report("error", message(ex), ex, EXIT_BAD_INPUT);
        }
        return internalError(ex);
    }

    int internalError(Throwable t) {
        return report("internal error", t.getClass().getName() + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()))
                + (debug ? "" : " (run with --debug for the stack trace)"), t, EXIT_INTERNAL);
    }

    int outOfMemory(OutOfMemoryError e) {
        return report("error", "out of memory; give Java more heap, e.g. CERTUS_JAVA_OPTS=-Xmx16g ./certus ...", e, EXIT_INTERNAL);
    }

    private int report(String kind, String line, Throwable t, int code) {
        err.println("certus: " + kind + ": " + oneLine(line));
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static boolean isBadInput(Throwable t) {
        // IllegalArgumentException counts as bad input because it is what option values and paths
        // raise (InvalidPathException, number formats); a user should not be told it is a bug.
        return t instanceof NetworkException || t instanceof DataException || t instanceof BoundsException
                || t instanceof IOException || t instanceof UncheckedIOException
                || t instanceof IllegalArgumentException
                || BAD_INPUT_BY_NAME.contains(t.getClass().getName());
    }

    private static String message(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            return message(u.getCause());
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (t.getMessage() == null || t.getMessage().isBlank()) {
            return t.getClass().getSimpleName();
        }
        return oneLine(t.getMessage());
    }

    /**
     * Messages may quote multi-line parser output or bytes of a file; the contract is one printable line:
     * line breaks become spaces, other control characters (NUL, escape, ...) a visible {@code \\uXXXX}.
     */
    static String oneLine(String s) {
        return s == null ? "" : escapeControls(s.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** Longest excerpt of a file's line that a message quotes; the rest is cut with "...". */
    static final int MAX_EXCERPT = 80;

    /** A line of a file as a message may quote it: control characters escaped, cut at {@link #MAX_EXCERPT} characters. */
    static String excerpt(String line) {
        String cut = line.length() > MAX_EXCERPT ? line.substring(0, MAX_EXCERPT) : line;
        return escapeControls(cut) + (cut.length() < line.length() ? "..." : "");
    }

    private static String escapeControls(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\t';
            if (control && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** An I/O failure's reason without the file name, which the caller puts first ("No space left on device"). */
    static String ioMessage(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return oneLine(f.getReason());
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }
}
