package org.certus.data;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reader for the CIFAR-10 binary format: a sequence of 3073-byte records, each one label byte then
 * the 1024 red, 1024 green and 1024 blue bytes of a 32x32 image, every plane row-major. That layout
 * is already CHW, so records are copied as they are. The file may be gzipped.
 */
public final class Cifar10Binary {
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    /** One label byte plus 3 x 32 x 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;
    public static final int CLASS_COUNT = 10;
    /** Class names in label order. */
    public static final List<String> CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private Cifar10Binary() {
    }

    /**
     * Reads a CIFAR-10 binary batch file; the dataset is named after the file.
     *
     * @throws DataException if the file is missing, empty, not a whole number of records, or holds
     *                       a label outside 0..9
     */
    public static Dataset read(Path file) {
        return parse(String.valueOf(file.getFileName()), DataFiles.read(file), file.toString());
    }

    /** Reads a batch from a stream (read to the end, not closed); {@code source} names it in errors. */
    public static Dataset read(String name, InputStream in, String source) {
        return parse(name, DataFiles.read(in, source), source);
    }

    private static Dataset parse(String name, byte[] content, String source) {
        if (content.length == 0) {
            throw new DataException(source, "empty file: no CIFAR-10 records");
        }
        if (content.length % RECORD_BYTES != 0) {
            throw new DataException(source, "length " + content.length + " is not a multiple of the "
                    + RECORD_BYTES + "-byte CIFAR-10 record (1 label byte + 3x32x32 pixels): truncated or not a"
                    + " CIFAR-10 binary batch");
        }
        int count = content.length / RECORD_BYTES;
        int imageBytes = RECORD_BYTES - 1;
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * imageBytes];
        for (int i = 0; i < count; i++) {
            int record = i * RECORD_BYTES;
            int label = Byte.toUnsignedInt(content[record]);
            if (label >= CLASS_COUNT) {
                throw new DataException(source, "record " + i + " (byte offset " + record + ") has label " + label
                        + ", outside 0.." + (CLASS_COUNT - 1));
            }
            labels[i] = content[record];
            System.arraycopy(content, record + 1, pixels, i * imageBytes, imageBytes);
        }
        return new ByteImageDataset(name, CHANNELS, SIDE, SIDE, CLASS_COUNT, pixels, labels);
    }
}
