package org.certus.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The library's public boundary, as DEVELOPERS.md states it ("The public boundary"): the package {@code org.certus.api}
 * and the value types its signatures take and return, which live in the engine's modules. Everything else is free to
 * change. {@link PublicBoundaryTest} holds the API and the front ends to it; {@link ApiDocumentationTest} checks that
 * all of it is documented.
 */
final class ApiBoundary {
    /** Value types outside {@code org.certus.api} (nested types count as their outer type). */
    static final Set<String> VALUE_TYPES = Set.of(
            // search: options, results, listener events
            "org.certus.bnb.Verdict", "org.certus.bnb.VerdictStatus", "org.certus.bnb.Counterexample", "org.certus.bnb.SearchStatistics",
            "org.certus.bnb.DistortionBounds", "org.certus.bnb.WorstCaseMargin", "org.certus.bnb.SearchOptions", "org.certus.bnb.Norm",
            "org.certus.bnb.CancelToken", "org.certus.bnb.RootTightening", "org.certus.bnb.VerificationQuery", "org.certus.bnb.SplitMode",
            "org.certus.bnb.BrancherKind", "org.certus.bnb.SearchListener", "org.certus.bnb.SearchStart", "org.certus.bnb.SearchProgress",
            // the network, properties and datasets the API takes
            "org.certus.nn.Network", "org.certus.nn.NetworkException", "org.certus.nn.InputDomain", "org.certus.nn.Shape",
            "org.certus.spec.VnnlibProperty", "org.certus.spec.InputBox", "org.certus.spec.OutputCondition", "org.certus.spec.SpecException",
            "org.certus.spec.RobustnessProperty", "org.certus.data.Dataset", "org.certus.data.DataException",
            // bounds and tightening as options and results name them
            "org.certus.bounds.BoundsException", "org.certus.bounds.ArithmeticModel", "org.certus.tighten.Tightening");

    /** The value types of {@code org.certus.bnb}, whose documentation the API's check covers (bnb-search's sources). */
    static final Path BNB_SOURCES = Path.of("../bnb-search/src/main/java/org/certus/bnb");

    private ApiBoundary() {
    }

    /** Whether a front end or an API signature may name this type. */
    static boolean allowed(String className) {
        String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        return outer.startsWith("org.certus.api.") && outer.indexOf('.', "org.certus.api.".length()) < 0 || VALUE_TYPES.contains(outer);
    }

    /** The simple names of the API's source files (its top-level types). */
    static List<String> apiTypeNames() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/org/certus/api"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).map(n -> n.substring(0, n.length() - 5))
                    .sorted().toList();
        }
    }
}
