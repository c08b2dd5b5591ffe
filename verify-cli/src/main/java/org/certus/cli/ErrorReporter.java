package org.certus.cli;

import org.certus.api.Messages;
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

    private static String oneLine(String s) {
        return Messages.oneLine(s);
    }
}
