package org.certus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatasetsTest {

    @Test
    void bundledSetsAreLoadedOnceAndShared() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Dataset>> loads = IntStream.range(0, 8)
                    .mapToObj(i -> (Callable<Dataset>) () -> Datasets.load(i % 2 == 0 ? "mnist" : "MNIST"))
                    .collect(Collectors.toList());
            Dataset first = Datasets.load("mnist");
            for (Future<Dataset> f : pool.invokeAll(loads)) {
                assertSame(first, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertSame(Datasets.load("cifar10"), Datasets.load(" cifar10 "));
        assertEquals("mnist", Datasets.load("mnist").name());
    }

    @Test
    void imagesAreFreshCopies() {
        Dataset mnist = Datasets.load("mnist");
        double[] a = mnist.image(0);
        a[200] = 42;
        double[] b = mnist.image(0);
        assertNotSame(a, b);
        assertTrue(b[200] <= 1.0);
    }

    @Test
    void indicesOutsideTheSetThrow() {
        Dataset mnist = Datasets.load("mnist");
        assertThrows(IndexOutOfBoundsException.class, () -> mnist.image(10_000));
        assertThrows(IndexOutOfBoundsException.class, () -> mnist.label(-1));
    }

    @Test
    void unknownNameListsTheBundledOnes() {
        DataException e = assertThrows(DataException.class, () -> Datasets.load("imagenet"));
        assertTrue(e.getMessage().contains("'imagenet'") && e.getMessage().contains("mnist, cifar10"), e.getMessage());
        assertEquals(List.of("mnist", "cifar10"), Datasets.names());
    }

    /** The bundled files are byte-identical to the ones SOURCES.md documents. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/org/certus/data/mnist/t10k-images-idx3-ubyte.gz, 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "/org/certus/data/mnist/t10k-labels-idx1-ubyte.gz, f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "/org/certus/data/cifar10/test_batch_first100.bin, 440e5480f4f4a46030e496053a7f3d793d4bd5e284f762e076c2ee22afe98666",
        "/org/certus/networks/mnist_wk17a_linf0.1_authors.onnx, 05b3b326fc777c559bfde29e6a97e7a0ac3d44cfd389ea3a96dc7a265c1ffcb6",
        "/org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx, 0d1350da4df6d473a41f5fcf89df0f30103bb469c4b926fdc27df4c2bd6fb3ba",
    })
    void bundledFilesMatchTheirDocumentedChecksums(String resource, String sha256)
            throws IOException, NoSuchAlgorithmException {
        try (InputStream in = DatasetsTest.class.getResourceAsStream(resource)) {
            assertTrue(in != null, "missing resource " + resource);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            assertEquals(sha256, HexFormat.of().formatHex(digest), resource);
        }
    }
}
