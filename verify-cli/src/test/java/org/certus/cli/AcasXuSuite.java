package org.certus.cli;

import java.nio.file.Path;

/**
 * The bundled ACAS Xu suite as a VNN-COMP folder, extracted once for all the tests of a JVM that need
 * its files and removed when the JVM exits.
 */
final class AcasXuSuite {
    private static Path dir;

    private AcasXuSuite() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            Path d = VnncompSuites.extract("acasxu");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> VnncompSuites.delete(d)));
            dir = d;
        }
        return dir;
    }
}
