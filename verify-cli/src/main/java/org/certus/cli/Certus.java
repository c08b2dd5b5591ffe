package org.certus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code certus} command. {@link #main} is the only place that calls {@code System.exit};
 * everything else goes through {@link #run}, which tests call in-process.
 */
@Command(name = "certus", mixinStandardHelpOptions = true, versionProvider = Certus.Version.class,
        description = "A pure-Java complete verifier for ReLU neural networks.",
        footer = {"", "Networks: a bundled name (mnist-wk17a, mnist-rsl18a, acasxu-N-M)",
                "  or a .onnx, .onnx.gz, .nnet or .mat file.",
                "Errors: one line on stderr; exit code 2 for bad input, 1 for internal errors.",
                "  --debug adds the stack trace."})
public final class Certus implements Runnable {

    // Declared so picocli accepts --debug anywhere on the line and lists it in help; the value
    // that counts is found by scanning the arguments in run(), because it must be known even when
    // parsing itself fails.
    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "On errors, print the stack trace too.")
    boolean debug;

    // Like --debug: declared for parsing and help; main() reads it from the arguments, because the
    // logging backend must be configured before the first logger is created.
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log the search's stages and progress to stderr (-v: info, -vv: debug).")
    boolean[] verbose;

    @Spec
    CommandSpec spec;

    private final boolean stderrIsTerminal;

    private Certus(boolean stderrIsTerminal) {
        this.stderrIsTerminal = stderrIsTerminal;
    }

    /** Whether commands may draw progress bars on stderr (never when stderr is captured or redirected). */
    boolean progressAllowed() {
        return stderrIsTerminal;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command; one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        configureLogging(verbosity(args));
        System.exit(run(args, System.out, System.err));
    }

    /** The SLF4J logger of Certus's own packages whose level {@code --verbose} sets. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.org.certus";

    /**
     * Sets slf4j-simple's level for {@code org.certus} (it reads system properties once, when the first
     * logger is created, so this must run first): warn (the default of simplelogger.properties) without
     * {@code --verbose}, info with one, debug with two. A level given with {@code -D} on the java command
     * line is kept.
     */
    static void configureLogging(int verbosity) {
        if (verbosity > 0 && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, verbosity == 1 ? "info" : "debug");
        }
    }

    /** How many times {@code -v}/{@code --verbose} appear before {@code --} ({@code -vv} counts twice). */
    static int verbosity(String[] args) {
        int n = 0;
        for (String a : args) {
            if ("--".equals(a)) {
                break;
            }
            if ("--verbose".equals(a)) {
                n++;
            } else if (a.matches("-v+")) {
                n += a.length() - 1;
            }
        }
        return n;
    }

    /**
     * Runs one command line and returns its exit code: 0 success, 2 bad input or usage, 1 internal
     * error. Output goes to {@code out}, errors and progress to {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = debugRequested(args);
        // System.console() is null unless both stdin and stdout are terminals: conservative enough
        // that a progress bar never ends up in a log file or a pipe.
        boolean terminal = err == System.err && System.console() != null;
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        ErrorReporter reporter = new ErrorReporter(errWriter, debug);
        try {
            CommandLine cl = new CommandLine(new Certus(terminal));
            for (Object sub : Subcommands.create()) {
                cl.addSubcommand(sub);
            }
            OptionConverters.register(cl);
            cl.setOut(outWriter);
            cl.setErr(errWriter);
            // No picocli argument files: "@FILE" is a value of its own (--input-range @ranges.txt), and an
            // argument naming a folder after '@' crashed the parser with a stack trace.
            cl.setExpandAtFiles(false);
            cl.setParameterExceptionHandler(reporter);
            cl.setExecutionExceptionHandler(reporter);
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return reporter.outOfMemory(e);
        } catch (RuntimeException | Error e) {
            return reporter.internalError(e);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    private static boolean debugRequested(String[] args) {
        for (String a : args) {
            if ("--".equals(a)) {
                return false;
            }
            if ("--debug".equals(a)) {
                return true;
            }
        }
        return false;
    }

    /** The project version, filtered into version.properties by Maven. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = "unknown";
            try (InputStream in = Certus.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version", version);
                }
            } catch (IOException e) {
                // Only the version string is lost; not worth failing --version for.
            }
            return new String[] {"certus " + version,
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
