package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The public boundary is real: the public signatures of {@code org.certus.api} name only API types, the value types of
 * {@link ApiBoundary#VALUE_TYPES} and the JDK; and the front ends ({@code verify-cli}, {@code verify-spark}) name only
 * those too, besides their own package — no search, bounding or file-format internals. The Spark job also shares
 * {@code certus robustness}'s options ({@link #SHARED_OPTIONS}).
 */
class PublicBoundaryTest {
    /** What verify-spark takes from verify-cli: the options of a batch evaluation, declared once. */
    static final String SHARED_OPTIONS = "org.certus.cli.EvaluationOptions";

    @Test
    void apiSignaturesNameOnlyApiAndValueTypes() throws Exception {
        Set<String> outside = new TreeSet<>();
        for (String name : ApiBoundary.apiTypeNames()) {
            Class<?> c = Class.forName("org.certus.api." + name);
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            for (Class<?> k : withNested(c)) {
                if (!Modifier.isPublic(k.getModifiers())) {
                    continue;
                }
                List<Type> types = new ArrayList<>();
                types.add(k.getGenericSuperclass());
                types.addAll(List.of(k.getGenericInterfaces()));
                for (Field f : k.getDeclaredFields()) {
                    if (exposed(f.getModifiers())) {
                        types.add(f.getGenericType());
                    }
                }
                List<Executable> members = new ArrayList<>(List.of(k.getDeclaredMethods()));
                members.addAll(List.<Constructor<?>>of(k.getDeclaredConstructors()));
                for (Executable e : members) {
                    if (exposed(e.getModifiers()) && !e.isSynthetic()) {
                        types.addAll(List.of(e.getGenericParameterTypes()));
                        types.addAll(List.of(e.getGenericExceptionTypes()));
                        if (e instanceof Method m) {
                            types.add(m.getGenericReturnType());
                        }
                    }
                }
                for (Type t : types) {
                    collect(t, k.getName(), outside);
                }
            }
        }
        assertEquals(Set.of(), outside, "types outside the boundary in public API signatures (type <- where)");
    }

    private static List<Class<?>> withNested(Class<?> c) {
        List<Class<?>> all = new ArrayList<>(List.of(c));
        for (Class<?> n : c.getDeclaredClasses()) {
            all.addAll(withNested(n));
        }
        return all;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void collect(Type t, String where, Set<String> outside) {
        if (t == null) {
            return;
        }
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.getName().startsWith("org.certus.") && !ApiBoundary.allowed(c.getName())) {
                outside.add(c.getName() + " <- " + where);
            }
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), where, outside);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, where, outside);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), where, outside);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                collect(b, where, outside);
            }
            for (Type b : w.getLowerBounds()) {
                collect(b, where, outside);
            }
        }
    }

    /** An import or a qualified name of another Certus package: {@code org.certus.pkg.Type}. */
    private static final Pattern CERTUS_TYPE = Pattern.compile("\\borg\\.certus\\.((?:[a-z][a-z0-9]*\\.)+)([A-Z][A-Za-z0-9]*)");

    @Test
    void frontEndsNameOnlyTheApiAndValueTypes() throws IOException {
        Set<String> outside = new TreeSet<>();
        for (String frontEnd : List.of("verify-cli", "verify-spark")) {
            Path root = Path.of("..", frontEnd, "src/main/java");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    String own = root.relativize(f.getParent()).toString().replace('/', '.') + ".";
                    Matcher m = CERTUS_TYPE.matcher(Files.readString(f));
                    while (m.find()) {
                        String pkg = "org.certus." + m.group(1);
                        String type = pkg + m.group(2);
                        if (!pkg.equals(own) && !ApiBoundary.allowed(type) && !type.equals(SHARED_OPTIONS)) {
                            outside.add(type + " <- " + frontEnd + "/" + f.getFileName());
                        }
                    }
                }
            }
        }
        assertEquals(Set.of(), outside, "front ends reach past the library's public boundary (type <- file)");
    }
}
