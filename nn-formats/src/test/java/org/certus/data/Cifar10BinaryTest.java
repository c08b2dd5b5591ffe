package org.certus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10BinaryTest {
    @TempDir
    Path dir;

    @Test
    void bundledImagesHaveTheKnownShapeAndLabels() {
        Dataset cifar = Datasets.load("cifar10");
        assertEquals(100, cifar.size());
        assertEquals(3, cifar.channels());
        assertEquals(32, cifar.height());
        assertEquals(32, cifar.width());
        assertEquals(3072, cifar.pixelCount());
        assertEquals(10, cifar.classCount());
        int[] firstTen = new int[10];
        for (int i = 0; i < 10; i++) {
            firstTen[i] = cifar.label(i);
        }
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, firstTen);
        assertEquals("cat", Cifar10Binary.CLASS_NAMES.get(cifar.label(0)));
        for (int i = 0; i < cifar.size(); i++) {
            for (double p : cifar.image(i)) {
                assertTrue(p >= 0.0 && p <= 1.0, "image " + i + " pixel " + p);
            }
        }
    }

    @Test
    void bundledFirstImageIsInChannelMajorOrder() {
        double[] cat = Datasets.load("cifar10").image(0);
        // Top-left pixel of CIFAR-10 test image 0 is RGB (158, 112, 49).
        assertEquals(158 / 255.0, cat[0]);
        assertEquals(112 / 255.0, cat[1024]);
        assertEquals(49 / 255.0, cat[2048]);
        assertEquals(167 / 255.0, cat[5 * 32 + 7]);
    }

    @Test
    void recordPlanesMapToChwIndices() throws IOException {
        byte[] file = new byte[2 * Cifar10Binary.RECORD_BYTES];
        file[0] = 4;
        file[Cifar10Binary.RECORD_BYTES] = 9;
        // Record 1: mark (y=2, x=5) with 10 in red, 20 in green, 30 in blue.
        int base = Cifar10Binary.RECORD_BYTES + 1;
        int at = 2 * 32 + 5;
        file[base + at] = 10;
        file[base + 1024 + at] = 20;
        file[base + 2048 + at] = (byte) 255;
        Dataset d = Cifar10Binary.read(Files.write(dir.resolve("batch.bin"), file));
        assertEquals("batch.bin", d.name());
        assertEquals(4, d.label(0));
        assertEquals(9, d.label(1));
        assertEquals(0.0, Arrays.stream(d.image(0)).sum());
        double[] image = d.image(1);
        assertEquals(10 / 255.0, image[at]);
        assertEquals(20 / 255.0, image[1024 + at]);
        assertEquals(1.0, image[2048 + at]);
        assertEquals((10 + 20 + 255) / 255.0, Arrays.stream(image).sum(), 1e-12);
    }

    @Test
    void gzippedBatchIsRead() throws IOException {
        byte[] file = new byte[Cifar10Binary.RECORD_BYTES];
        file[0] = 7;
        file[1] = (byte) 128;
        Dataset d = Cifar10Binary.read(Files.write(dir.resolve("batch.bin.gz"), IdxFiles.gzip(file)));
        assertEquals(7, d.label(0));
        assertEquals(128 / 255.0, d.image(0)[0]);
    }

    @Test
    void lengthNotAMultipleOfTheRecordIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("short.bin"), new byte[2 * Cifar10Binary.RECORD_BYTES - 1]);
        DataException e = assertThrows(DataException.class, () -> Cifar10Binary.read(file));
        assertEquals(file.toString(), e.source());
        assertTrue(e.problem().contains("not a multiple of the 3073-byte"), e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("empty.bin"), new byte[0]);
        DataException e = assertThrows(DataException.class, () -> Cifar10Binary.read(file));
        assertTrue(e.problem().contains("empty"), e.getMessage());
    }

    @Test
    void labelOutsideTheTenClassesIsRejected() throws IOException {
        byte[] content = new byte[2 * Cifar10Binary.RECORD_BYTES];
        content[Cifar10Binary.RECORD_BYTES] = 10;
        Path file = Files.write(dir.resolve("bad-label.bin"), content);
        DataException e = assertThrows(DataException.class, () -> Cifar10Binary.read(file));
        assertTrue(e.problem().contains("record 1") && e.problem().contains("label 10"), e.getMessage());
    }

    @Test
    void missingFileIsRejectedNamingIt() {
        Path file = dir.resolve("absent.bin");
        DataException e = assertThrows(DataException.class, () -> Cifar10Binary.read(file));
        assertEquals(file + ": file not found", e.getMessage());
    }
}
