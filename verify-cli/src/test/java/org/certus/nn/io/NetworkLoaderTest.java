package org.certus.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Lives in verify-cli because the CLI's owner owns NetworkLoader but not nn-formats' test tree.
class NetworkLoaderTest {
    @TempDir
    Path dir;

    @Test
    void bundledNamesListMnistFirstAndEveryAcasXuNetwork() {
        List<String> names = NetworkLoader.bundledNames();
        assertEquals(List.of("mnist-wk17a", "mnist-rsl18a"), names.subList(0, 2));
        assertEquals(2 + 45, names.size());
        assertTrue(names.contains("acasxu-5-9"));
    }

    @Test
    void everyBundledNameLoads() {
        for (String name : NetworkLoader.bundledNames()) {
            Network n = NetworkLoader.load(name);
            assertEquals(name, n.name());
        }
    }

    @Test
    void mnistNetworksHaveThePixelDomain() {
        for (String name : List.of("mnist-wk17a", "mnist-rsl18a")) {
            Network n = NetworkLoader.load(name);
            assertEquals("[0, 1]", n.inputDomain().describe(), name);
            assertEquals(784, n.inputSize(), name);
        }
    }

    @Test
    void bundledNetworksAreCachedAndNamesCaseInsensitive() throws Exception {
        Network a = NetworkLoader.load("mnist-rsl18a");
        assertSame(a, NetworkLoader.load("MNIST-RSL18A"));
        assertSame(a, NetworkLoader.load(" mnist-rsl18a "));

        // Concurrent first loads of a name not loaded elsewhere in this test all get one instance.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<Network> load = () -> NetworkLoader.load("acasxu-3-3");
            List<Future<Network>> fs = pool.invokeAll(List.of(load, load, load, load, load, load));
            for (Future<Network> f : fs) {
                assertSame(fs.get(0).get(), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fileByExtensionGivesTheSameNetworkAsTheBundledName() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx")) {
            bytes = in.readAllBytes();
        }
        Path plain = dir.resolve("rsl.onnx");
        Files.write(plain, bytes);
        Path gz = dir.resolve("rsl.onnx.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(bytes);
        }
        Network bundled = NetworkLoader.load("mnist-rsl18a");
        Dataset mnist = Datasets.load("mnist");
        for (Path p : List.of(plain, gz)) {
            Network fromFile = NetworkLoader.load(p.toString());
            assertEquals(bundled.reluCount(), fromFile.reluCount(), p.toString());
            for (int i = 0; i < 20; i++) {
                assertEquals(bundled.predict(mnist.image(i)), fromFile.predict(mnist.image(i)), p + " sample " + i);
            }
        }
    }

    @Test
    void unknownNameMessage() {
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkLoader.load("lenet"));
        assertTrue(e.getMessage().startsWith("unknown network 'lenet': not a bundled name (mnist-wk17a, mnist-rsl18a"), e.getMessage());
        assertTrue(e.getMessage().endsWith("and no such file"), e.getMessage());
        assertThrows(NetworkException.class, () -> NetworkLoader.load("acasxu-0-1"));
        assertThrows(NetworkException.class, () -> NetworkLoader.load("acasxu-1-10"));
        assertThrows(NetworkException.class, () -> NetworkLoader.load(""));
    }

    @Test
    void badNnetFileIsANetworkExceptionNamingIt() throws IOException {
        Path f = dir.resolve("junk.nnet");
        Files.writeString(f, "this is not an nnet file\n");
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkLoader.load(f.toString()));
        assertTrue(e.getMessage().contains("junk.nnet"), e.getMessage());
    }

    @Test
    void matNeedsItsJson() throws IOException {
        Path mat = dir.resolve("w.mat");
        Files.write(mat, new byte[] {0});
        NetworkException e = assertThrows(NetworkException.class, () -> NetworkLoader.load(mat.toString()));
        assertTrue(e.getMessage().contains("w.json"), e.getMessage());
        assertThrows(NetworkException.class, () -> NetworkLoader.load(mat.toString(), dir.resolve("none.json").toString()));
    }
}
