package org.certus.nn.io.nnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NnetImporterTest {
    @TempDir
    Path dir;

    /** 2 inputs, hidden layer of 2 ReLUs, 1 output; non-trivial normalisation of inputs and output. */
    static final String SMALL = String.join("\n",
            "// A hand-made network",                 // line 1
            "// second comment line",                 // line 2
            "2,2,1,2,",                               // line 3 header
            "2,2,1,",                                 // line 4 sizes
            "0,",                                     // line 5 flag
            "-1,-2,",                                 // line 6 min
            "3,4,",                                   // line 7 max
            "1,2,0.5,",                               // line 8 means
            "2,4,10,",                                // line 9 ranges
            "1,-1,",                                  // line 10
            "0.5,2,",                                 // line 11
            "0,",                                     // line 12
            "-1,",                                    // line 13
            "1,2,",                                   // line 14
            "0.25,",                                  // line 15
            "");

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void handWrittenNetworkGivesHandComputedOutputs() throws IOException {
        Network net = NnetImporter.read(write("small.nnet", SMALL));
        assertEquals("small", net.name());
        assertEquals(2, net.inputSize());
        assertEquals(1, net.outputSize());
        assertEquals(2, net.reluCount());
        // x = (3, 2): normalised (1, 0); hidden (1, -0.5) -> (1, 0); out 1.25 -> 1.25*10 + 0.5 = 13
        assertEquals(13.0, net.evaluate(new double[] {3, 2})[0], 1e-12);
        // x = (-1, 4): normalised (-1, 0.5); hidden (-1.5, -0.5) -> 0; out 0.25 -> 3
        assertEquals(3.0, net.evaluate(new double[] {-1, 4})[0], 1e-12);
        // x = (2, 6): normalised (0.5, 1); hidden (-0.5, 1.25) -> (0, 1.25); out 2.75 -> 28
        assertEquals(28.0, net.evaluate(new double[] {2, 6})[0], 1e-12);
        // The domain is [min, max] in original (unnormalised) units.
        assertArrayEquals(new double[] {-1, -2}, net.inputDomain().lower());
        assertArrayEquals(new double[] {3, 4}, net.inputDomain().upper());
    }

    @Test
    void whitespaceSeparatedValuesAndBlankLinesAreAccepted() throws IOException {
        Network net = NnetImporter.read(write("ws.nnet", SMALL.replace(",", " ").replace("0.25 \n", "0.25\n\n")));
        assertEquals(13.0, net.evaluate(new double[] {3, 2})[0], 1e-12);
    }

    NetworkException error(String text) throws IOException {
        Path p = write("bad.nnet", text);
        NetworkException e = assertThrows(NetworkException.class, () -> NnetImporter.read(p));
        assertTrue(e.getMessage().contains("bad.nnet"), "message names the file: " + e.getMessage());
        return e;
    }

    static void assertMentions(NetworkException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void missingFile() {
        NetworkException e = assertThrows(NetworkException.class, () -> NnetImporter.read(dir.resolve("absent.nnet")));
        assertMentions(e, "not found", "absent.nnet");
    }

    @Test
    void tooFewNumbersOnALine() throws IOException {
        assertMentions(error(SMALL.replace("-1,-2,\n", "-1,\n")), "bad.nnet:6:", "too few", "minimum input", "expected 2, found 1");
        assertMentions(error(SMALL.replace("0.5,2,\n", "0.5,\n")), "bad.nnet:11:", "too few", "weight row 2 of layer 1");
        assertMentions(error(SMALL.replace("2,2,1,2,", "2,2,1,")), "bad.nnet:3:", "too few", "header");
    }

    @Test
    void tooManyNumbersOnALine() throws IOException {
        assertMentions(error(SMALL.replace("1,2,0.5,\n", "1,2,0.5,7,\n")), "bad.nnet:8:", "too many", "means");
    }

    @Test
    void nonNumericToken() throws IOException {
        assertMentions(error(SMALL.replace("0.5,2,\n", "0.5,abc,\n")), "bad.nnet:11:", "not a number", "'abc'");
        assertMentions(error(SMALL.replace("2,2,1,\n", "2,two,1,\n")), "bad.nnet:4:", "'two'");
    }

    /**
     * Input bounds as other tools write an unbounded input: the largest float32 (sisl/NNet's onnx2nnet,
     * printed by Python or Java), or inf/Infinity (which the reference readers parse). Other values stay bounds.
     */
    @Test
    void unboundedInputsAsTheReferenceToolsWriteThem() throws IOException {
        Network python = NnetImporter.read(write("py.nnet", SMALL.replace("-1,-2,\n3,4,", "-3.4028235e+38,-2,\n3,3.4028235e+38,")));
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, -2}, python.inputDomain().lower(), 0.0);
        assertArrayEquals(new double[] {3, Double.POSITIVE_INFINITY}, python.inputDomain().upper(), 0.0);
        Network java = NnetImporter.read(write("java.nnet", SMALL.replace("-1,-2,\n3,4,", "-3.4028234663852886E38,-1e30,\n1e30,3.4028234663852886E38,")));
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, -1e30}, java.inputDomain().lower(), 0.0);
        assertArrayEquals(new double[] {1e30, Double.POSITIVE_INFINITY}, java.inputDomain().upper(), 0.0);
        Network words = NnetImporter.read(write("inf.nnet", SMALL.replace("-1,-2,\n3,4,", "-inf,-Infinity,\n+INF,Infinity,")));
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, words.inputDomain().lower(), 0.0);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, words.inputDomain().upper(), 0.0);
        // The same network either way: the bounds do not enter the forward pass.
        double[] x = {0.3, -1.7};
        assertArrayEquals(NnetImporter.read(write("ok.nnet", SMALL)).evaluate(x), words.evaluate(x), 0.0);
        assertMentions(error(SMALL.replace("-1,-2,\n", "-1,NaN,\n")), "bad.nnet:6:", "not a number", "minimum input values");
        assertMentions(error(SMALL.replace("3,4,\n", "3,oo,\n")), "bad.nnet:7:", "not a number", "'oo'");
    }

    @Test
    void nanAndInfinity() throws IOException {
        assertMentions(error(SMALL.replace("0.25,\n", "NaN,\n")), "bad.nnet:15:", "not finite", "bias 1 of layer 2");
        assertMentions(error(SMALL.replace("\n1,2,\n0.25", "\n1,Infinity,\n0.25")), "bad.nnet:14:", "not finite");
    }

    @Test
    void layerSizesInconsistentWithHeader() throws IOException {
        assertMentions(error(SMALL.replace("2,2,1,\n", "3,2,1,\n")), "bad.nnet:4:", "inputSize 2");
        assertMentions(error(SMALL.replace("2,2,1,\n", "2,2,2,\n")), "bad.nnet:4:", "outputSize 1");
        assertMentions(error(SMALL.replace("2,2,1,2,", "2,2,1,5,")), "bad.nnet:4:", "maxLayerSize 5");
        assertMentions(error(SMALL.replace("2,2,1,2,", "0,2,1,2,")), "bad.nnet:3:", "positive integer");
        assertMentions(error(SMALL.replace("2,2,1,2,", "2.5,2,1,2,")), "bad.nnet:3:", "positive integer");
    }

    @Test
    void truncatedFile() throws IOException {
        String cut = SMALL.substring(0, SMALL.indexOf("1,2,\n0.25"));
        assertMentions(error(cut), "truncated", "weight row 1 of layer 2");
        assertMentions(error(SMALL.substring(0, SMALL.indexOf("0.25"))), "truncated", "bias 1 of layer 2");
        assertMentions(error("// only a comment\n"), "truncated", "header");
    }

    @Test
    void trailingContentAndDegenerateNormalisation() throws IOException {
        assertMentions(error(SMALL + "1,\n"), "bad.nnet:16:", "unexpected content");
        assertMentions(error(SMALL.replace("2,4,10,\n", "2,0,10,\n")), "bad.nnet:9:", "range 2 is zero");
        assertMentions(error(SMALL.replace("3,4,\n", "3,-5,\n")), "bad.nnet:6-7:", "input domain");
    }
}
