package org.certus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistIdxTest {
    @TempDir
    Path dir;

    @Test
    void bundledTestSetHasTheKnownShapeLabelsAndClassCounts() {
        Dataset mnist = Datasets.load("mnist");
        assertEquals(10_000, mnist.size());
        assertEquals(1, mnist.channels());
        assertEquals(28, mnist.height());
        assertEquals(28, mnist.width());
        assertEquals(784, mnist.pixelCount());
        assertEquals(10, mnist.classCount());
        int[] firstTen = new int[10];
        for (int i = 0; i < 10; i++) {
            firstTen[i] = mnist.label(i);
        }
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, firstTen);
        int[] counts = new int[10];
        for (int i = 0; i < mnist.size(); i++) {
            counts[mnist.label(i)]++;
        }
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts);
    }

    @Test
    void bundledPixelsAreBytesOver255InZeroOne() {
        Dataset mnist = Datasets.load("mnist");
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < mnist.size(); i++) {
            for (double p : mnist.image(i)) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max);
        // Row 7 of test image 0 (a "7"), read independently from the IDX bytes.
        double[] image = mnist.image(0);
        int[] row7 = {0, 0, 0, 0, 0, 0, 84, 185, 159, 151, 60, 36, 0, 0};
        for (int x = 0; x < row7.length; x++) {
            assertEquals(row7[x] / 255.0, image[7 * 28 + x], "pixel (7," + x + ")");
        }
        assertEquals(18454 / 255.0, Arrays.stream(image).sum(), 1e-9);
    }

    @Test
    void gzippedAndPlainFilesGiveTheSameDataset() throws IOException {
        Path imagesGz = dir.resolve("t10k-images-idx3-ubyte.gz");
        Path labelsGz = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (var in = Datasets.class.getResourceAsStream("mnist/t10k-images-idx3-ubyte.gz")) {
            Files.copy(in, imagesGz);
        }
        try (var in = Datasets.class.getResourceAsStream("mnist/t10k-labels-idx1-ubyte.gz")) {
            Files.copy(in, labelsGz);
        }
        // Plain copies under misleading names: compression must be detected from content.
        Path images = dir.resolve("images.gz");
        Path labels = dir.resolve("labels.idx");
        try (var in = new GZIPInputStream(Files.newInputStream(imagesGz))) {
            Files.copy(in, images);
        }
        try (var in = new GZIPInputStream(Files.newInputStream(labelsGz))) {
            Files.copy(in, labels);
        }
        Dataset zipped = MnistIdx.read(imagesGz, labelsGz);
        Dataset plain = MnistIdx.read(images, labels);
        assertEquals("t10k-images-idx3-ubyte.gz", zipped.name());
        assertEquals(zipped.size(), plain.size());
        for (int i : new int[] {0, 1, 4999, 9999}) {
            assertEquals(zipped.label(i), plain.label(i));
            assertArrayEquals(zipped.image(i), plain.image(i));
            assertArrayEquals(Datasets.load("mnist").image(i), plain.image(i));
        }
    }

    /** Random small IDX files round-trip exactly; a failure names its seed for replay. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void randomFilesRoundTrip(long seed) throws IOException {
        Random random = new Random(seed);
        int count = random.nextInt(20);
        int rows = 1 + random.nextInt(6);
        int cols = 1 + random.nextInt(6);
        byte[] pixels = new byte[count * rows * cols];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        boolean zipImages = random.nextBoolean();
        boolean zipLabels = random.nextBoolean();
        byte[] imageFile = IdxFiles.images(count, rows, cols, pixels);
        byte[] labelFile = IdxFiles.labels(labels);
        Path imagePath = Files.write(dir.resolve("i"), zipImages ? IdxFiles.gzip(imageFile) : imageFile);
        Path labelPath = Files.write(dir.resolve("l"), zipLabels ? IdxFiles.gzip(labelFile) : labelFile);

        Dataset d = MnistIdx.read(imagePath, labelPath);
        String context = "seed " + seed;
        assertEquals(count, d.size(), context);
        assertEquals(rows, d.height(), context);
        assertEquals(cols, d.width(), context);
        for (int i = 0; i < count; i++) {
            assertEquals(labels[i], d.label(i), context);
            double[] image = d.image(i);
            for (int k = 0; k < rows * cols; k++) {
                assertEquals(Byte.toUnsignedInt(pixels[i * rows * cols + k]) / 255.0, image[k], context + " image " + i);
            }
        }
    }

    @Test
    void wrongImageMagicIsRejectedNamingTheFile() throws IOException {
        Path images = Files.write(dir.resolve("bad-images"), IdxFiles.images(0x00000802, 1, 2, 2, new byte[4]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1}));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(images.toString(), e.source());
        assertTrue(e.getMessage().contains("magic number 0x00000802"), e.getMessage());
        assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
    }

    @Test
    void swappedFilesAreRecognised() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(1, 2, 2, new byte[4]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {1}));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(labels, images));
        assertEquals(labels.toString(), e.source());
        assertTrue(e.getMessage().contains("swapped"), e.getMessage());
    }

    @Test
    void wrongLabelMagicIsRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(1, 2, 2, new byte[4]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(0x12345678, 1, new byte[] {1}));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(labels.toString(), e.source());
        assertTrue(e.problem().contains("0x12345678"), e.getMessage());
    }

    @Test
    void truncatedPixelDataIsRejected() throws IOException {
        byte[] full = IdxFiles.images(3, 2, 2, new byte[12]);
        Path images = Files.write(dir.resolve("images"), Arrays.copyOf(full, full.length - 1));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[3]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(images.toString(), e.source());
        assertTrue(e.problem().startsWith("truncated"), e.getMessage());
        assertTrue(e.problem().contains("only 11 follow"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        byte[] full = IdxFiles.images(3, 2, 2, new byte[12]);
        Path images = Files.write(dir.resolve("images"), Arrays.copyOf(full, 10));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[3]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertTrue(e.problem().startsWith("truncated"), e.getMessage());
    }

    @Test
    void truncatedGzipIsRejected() throws IOException {
        byte[] zipped = IdxFiles.gzip(IdxFiles.images(50, 8, 8, new byte[3200]));
        Path images = Files.write(dir.resolve("images.gz"), Arrays.copyOf(zipped, zipped.length / 2));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[50]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(images.toString(), e.source());
        assertTrue(e.problem().contains("gzip"), e.getMessage());
    }

    @Test
    void truncatedLabelsAreRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, new byte[12]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(MnistIdx.LABELS_MAGIC, 3, new byte[2]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(labels.toString(), e.source());
        assertTrue(e.problem().startsWith("truncated"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(1, 2, 2, new byte[5]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[1]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertTrue(e.problem().contains("1 unexpected bytes"), e.getMessage());
    }

    @Test
    void labelAndImageCountMismatchIsRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(3, 2, 2, new byte[12]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[2]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(labels.toString(), e.source());
        assertTrue(e.problem().contains("2 labels") && e.problem().contains("3 images"), e.getMessage());
        assertTrue(e.problem().contains(images.toString()), e.getMessage());
    }

    @Test
    void labelOutsideTheTenDigitsIsRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(2, 1, 1, new byte[2]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[] {3, 10}));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertTrue(e.problem().contains("label 1 is 10"), e.getMessage());
    }

    @Test
    void nonPositiveDimensionsAreRejected() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(1, 0, 28, new byte[0]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[1]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertTrue(e.problem().contains("invalid header"), e.getMessage());
    }

    @Test
    void missingFileIsRejectedNamingIt() throws IOException {
        Path images = dir.resolve("no-such-images.gz");
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[1]));
        DataException e = assertThrows(DataException.class, () -> MnistIdx.read(images, labels));
        assertEquals(images + ": file not found", e.getMessage());
        DataException onDirectory = assertThrows(DataException.class, () -> MnistIdx.read(dir, labels));
        assertTrue(onDirectory.problem().contains("directory"), onDirectory.getMessage());
    }

    @Test
    void emptyDatasetIsAllowed() throws IOException {
        Path images = Files.write(dir.resolve("images"), IdxFiles.images(0, 28, 28, new byte[0]));
        Path labels = Files.write(dir.resolve("labels"), IdxFiles.labels(new byte[0]));
        Dataset d = MnistIdx.read(images, labels);
        assertEquals(0, d.size());
        assertThrows(IndexOutOfBoundsException.class, () -> d.image(0));
    }
}
