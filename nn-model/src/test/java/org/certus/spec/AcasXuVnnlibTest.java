package org.certus.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ten ACAS Xu properties (test resources, CC BY 4.0, see acasxu/SOURCES.md). */
class AcasXuVnnlibTest {

    static Path property(int n) {
        URL url = AcasXuVnnlibTest.class.getResource("/acasxu/vnnlib/prop_" + n + ".vnnlib");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static VnnlibProperty parse(int n) throws IOException {
        return VnnlibParser.parse(property(n), 5, 5);
    }

    /** prop, cases, disjuncts per case, constraints per disjunct: read off the files by hand. */
    @ParameterizedTest(name = "prop_{0}")
    @CsvSource({"1,1,1,1", "2,1,1,4", "3,1,1,4", "4,1,1,4", "5,1,4,1",
                "6,2,4,1", "7,1,2,3", "8,1,3,2", "9,1,4,1", "10,1,4,1"})
    void everyPropertyParsesWithItsShape(int n, int cases, int disjuncts, int constraints) throws IOException {
        VnnlibProperty p = parse(n);
        assertEquals(5, p.inputCount());
        assertEquals(5, p.outputCount());
        assertEquals(cases, p.cases().size());
        for (VnnlibProperty.Case c : p.cases()) {
            assertEquals(disjuncts, c.condition().disjuncts().size());
            for (Conjunction d : c.condition().disjuncts()) {
                assertEquals(constraints, d.constraints().size());
            }
        }
        assertEquals(p, VnnlibTestText.parse(VnnlibWriter.write(p), 5, 5), "writer round trip");
    }

    @Test
    void property1HasItsBoxAndCocAtLeast1500() throws IOException {
        VnnlibProperty p = parse(1);
        VnnlibProperty.Case only = p.cases().get(0);
        assertArrayEquals(new double[] {0.6, -0.5, -0.5, 0.45, -0.5}, only.box().lower());
        assertArrayEquals(new double[] {0.679857769, 0.5, 0.5, 0.5, -0.45}, only.box().upper());
        // (assert (>= Y_0 3.991125645861615)) is -Y_0 <= -3.991125645861615
        LinearConstraint coc = only.condition().disjuncts().get(0).constraints().get(0);
        assertEquals(new LinearConstraint(new double[] {-1, 0, 0, 0, 0}, -3.991125645861615), coc);
        assertTrue(only.condition().isSatisfiedBy(new double[] {3.9911256459, 0, 0, 0, 0}, 0.0));
        assertFalse(only.condition().isSatisfiedBy(new double[] {3.99, 9, 9, 9, 9}, 0.0));
    }

    @Test
    void property6HasTwoBoxesSharingTheCondition() throws IOException {
        VnnlibProperty p = parse(6);
        VnnlibProperty.Case first = p.cases().get(0);
        VnnlibProperty.Case second = p.cases().get(1);
        assertArrayEquals(new double[] {-0.129289109, 0.11140846, -0.499999896, -0.5, -0.5}, first.box().lower());
        assertArrayEquals(new double[] {0.700434925, 0.499999896, -0.499204121, 0.5, 0.5}, first.box().upper());
        assertEquals(-0.499999896, second.box().lower(1));
        assertEquals(-0.11140846, second.box().upper(1));
        assertEquals(first.condition(), second.condition());
        // "unsafe if COC is not minimal": Y_j <= Y_0 for some j > 0
        List<Conjunction> d = first.condition().disjuncts();
        assertEquals(new LinearConstraint(new double[] {-1, 1, 0, 0, 0}, 0.0), d.get(0).constraints().get(0));
        assertEquals(new LinearConstraint(new double[] {-1, 0, 0, 0, 1}, 0.0), d.get(3).constraints().get(0));
        assertTrue(p.isCounterexample(new double[] {0, 0.2, -0.4995, 0, 0}, new double[] {1, 2, 3, 4, 0.5}, 0, 0));
        assertFalse(p.isCounterexample(new double[] {0, 0.2, -0.4995, 0, 0}, new double[] {0, 2, 3, 4, 0.5}, 0, 0));
        assertFalse(p.isCounterexample(new double[] {0, 0.0, -0.4995, 0, 0}, new double[] {1, 2, 3, 4, 0.5}, 0, 0),
                "X_1 = 0 is between the two boxes");
    }

    @Test
    void property3IsUnsafeWhenCocIsMinimal() throws IOException {
        OutputCondition cond = parse(3).cases().get(0).condition();
        assertTrue(cond.isSatisfiedBy(new double[] {-1, 0, 0, 0, 0}, 0.0));
        assertTrue(cond.isSatisfiedBy(new double[] {0, 0, 0, 0, 0}, 0.0), "ties count: strict is read as closed");
        assertFalse(cond.isSatisfiedBy(new double[] {0, -1, 0, 0, 0}, 0.0));
    }

    @Test
    void property4PinsX2ToZero() throws IOException {
        InputBox box = parse(4).cases().get(0).box();
        assertEquals(0.0, box.lower(2));
        assertEquals(0.0, box.upper(2));
    }

    @Test
    void gzipFilesAreRecognisedByTheirMagicBytes(@TempDir Path dir) throws IOException {
        for (int n : new int[] {1, 6}) {
            Path gz = dir.resolve("prop_" + n + ".vnnlib.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                Files.copy(property(n), out);
            }
            assertEquals(parse(n), VnnlibParser.parse(gz, 5, 5));
            Path misnamed = dir.resolve("compressed-" + n + ".vnnlib");
            Files.copy(gz, misnamed);
            assertEquals(parse(n), VnnlibParser.parse(misnamed, 5, 5));
        }
    }
}
