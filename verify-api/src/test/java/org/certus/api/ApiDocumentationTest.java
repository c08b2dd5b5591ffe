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
import java.util.stream.Collectors;
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
 * parameter of {@code org.certus.api} and of the {@code org.certus.bnb} value types of its boundary
 * ({@link ApiBoundary}) has a doc comment, checked by javac's doclint with all its groups (the build's own
 * doclint skips "missing" comments everywhere else).
 */
class ApiDocumentationTest {
    /** The boundary's value types in org.certus.bnb, by simple name. */
    static final Set<String> VALUE_TYPES = ApiBoundary.VALUE_TYPES.stream().filter(t -> t.startsWith("org.certus.bnb."))
            .map(t -> t.substring("org.certus.bnb.".length())).collect(Collectors.toSet());

    @TempDir
    Path out;

    @Test
    void everyBnbTypeTheApiTakesOrReturnsIsChecked() throws Exception {
        Set<String> used = new TreeSet<>();
        List<Method> methods = new ArrayList<>();
        for (String name : ApiBoundary.apiTypeNames()) {
            Class<?> c = Class.forName("org.certus.api." + name);
            if (Modifier.isPublic(c.getModifiers())) {
                methods.addAll(List.of(c.getDeclaredMethods()));
            }
        }
        for (Method m : methods) {
            if (!Modifier.isPublic(m.getModifiers())) {
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
        assertTrue(VALUE_TYPES.containsAll(used), "the API uses org.certus.bnb types the check does not cover: " + used);
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
            files.add(ApiBoundary.BNB_SOURCES.resolve(t + ".java"));
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
