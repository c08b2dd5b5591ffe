package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API is documented: every public and protected type, member, record component and
 * parameter of {@code org.certus.api} and of the {@code org.certus.bnb} types it takes and returns
 * has a doc comment, checked by javac's doclint with all its groups (the build's own doclint skips
 * "missing" comments everywhere else).
 */
class ApiDocumentationTest {
    /** The API's own types besides org.certus.api: what Verifier takes and returns, and what those hold. */
    static final Set<String> VALUE_TYPES = Set.of("Verdict", "VerdictStatus", "Counterexample", "SearchStatistics", "DistortionBounds",
            "WorstCaseMargin", "SearchOptions", "Norm", "CancelToken", "RootTightening", "VerificationQuery", "SplitMode", "BrancherKind",
            "SearchListener", "SearchStart", "SearchProgress");

    @TempDir
    Path out;

    @Test
    void everyTypeVerifierTakesOrReturnsIsChecked() {
        Set<String> used = new TreeSet<>();
        for (Method m : Verifier.class.getMethods()) {
            if (m.getDeclaringClass() != Verifier.class || !Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
            types.add(m.getReturnType());
            for (Class<?> t : types) {
                if (t.getPackageName().equals("org.certus.bnb")) {
                    used.add(t.getSimpleName());
                }
            }
        }
        assertTrue(VALUE_TYPES.containsAll(used), "Verifier uses org.certus.bnb types the check does not cover: " + used);
    }

    @Test
    void doclintFindsNothingMissingOrMalformed() throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> api = Files.list(Path.of("src/main/java/org/certus/api"))) {
            api.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        for (String t : VALUE_TYPES) {
            files.add(Path.of("../bnb-search/src/main/java/org/certus/bnb/" + t + ".java"));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-Xdoclint:all/protected", "-proc:none", "-Xmaxwarns", "10000",
                    "-classpath", System.getProperty("java.class.path"), "-d", out.toString());
            boolean compiled = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            List<String> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.NOTE) {
                    problems.add(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
                }
            }
            assertTrue(compiled, () -> String.join("\n", problems));
            assertEquals(List.of(), problems, "doclint on the API sources");
        }
    }
}
