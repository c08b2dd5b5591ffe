package org.certus.data;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Reader for the MNIST IDX format: an image file (magic 0x00000803, then image count, rows and
 * columns as big-endian int32, then unsigned pixel bytes, row-major) and a label file (magic
 * 0x00000801, then the count, then one unsigned byte per label). Either file may be gzipped.
 *
 * <p>Everything announced by the headers is checked against what the files hold — magic numbers,
 * dimensions, lengths (short and over-long files), matching counts and label range — because a
 * silently misaligned dataset would give wrong verification results rather than an error.
 */
public final class MnistIdx {
    /** IDX magic of a 3-dimensional unsigned-byte array (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** IDX magic of a 1-dimensional unsigned-byte array (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Digits 0 to 9. */
    public static final int CLASS_COUNT = 10;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;

    private MnistIdx() {
    }

    /**
     * Reads an image file and its label file, each gzipped or not. The dataset is named after the
     * image file.
     *
     * @throws DataException naming the offending file if either is missing or malformed, or if
     *                       their counts differ
     */
    public static Dataset read(Path images, Path labels) {
        return parse(String.valueOf(images.getFileName()), DataFiles.read(images), images.toString(),
                DataFiles.read(labels), labels.toString());
    }

    /**
     * Reads images and labels from streams (read to the end, not closed); the sources name them in
     * error messages.
     */
    public static Dataset read(String name, InputStream images, String imagesSource, InputStream labels,
                               String labelsSource) {
        return parse(name, DataFiles.read(images, imagesSource), imagesSource,
                DataFiles.read(labels, labelsSource), labelsSource);
    }

    private static Dataset parse(String name, byte[] images, String imagesSource, byte[] labels, String labelsSource) {
        checkMagic(images, IMAGES_MAGIC, "image", imagesSource);
        if (images.length < IMAGES_HEADER_BYTES) {
            throw new DataException(imagesSource, "truncated: the IDX image header needs " + IMAGES_HEADER_BYTES
                    + " bytes, the file has " + images.length);
        }
        int count = bigEndianInt(images, 4);
        int rows = bigEndianInt(images, 8);
        int cols = bigEndianInt(images, 12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new DataException(imagesSource, "invalid header: " + count + " images of " + rows + "x" + cols);
        }
        long pixelBytes = (long) count * rows * cols;
        long available = images.length - IMAGES_HEADER_BYTES;
        if (available < pixelBytes) {
            throw new DataException(imagesSource, "truncated: the header announces " + count + " images of " + rows
                    + "x" + cols + " (" + pixelBytes + " pixel bytes) but only " + available + " follow");
        }
        if (available > pixelBytes) {
            throw new DataException(imagesSource, (available - pixelBytes) + " unexpected bytes after the "
                    + count + " images of " + rows + "x" + cols + " announced by the header");
        }

        checkMagic(labels, LABELS_MAGIC, "label", labelsSource);
        if (labels.length < LABELS_HEADER_BYTES) {
            throw new DataException(labelsSource, "truncated: the IDX label header needs " + LABELS_HEADER_BYTES
                    + " bytes, the file has " + labels.length);
        }
        int labelCount = bigEndianInt(labels, 4);
        if (labelCount < 0) {
            throw new DataException(labelsSource, "invalid header: label count " + labelCount);
        }
        long labelBytes = labels.length - LABELS_HEADER_BYTES;
        if (labelBytes < labelCount) {
            throw new DataException(labelsSource, "truncated: the header announces " + labelCount
                    + " labels but only " + labelBytes + " follow");
        }
        if (labelBytes > labelCount) {
            throw new DataException(labelsSource, (labelBytes - labelCount) + " unexpected bytes after the "
                    + labelCount + " labels announced by the header");
        }
        if (labelCount != count) {
            throw new DataException(labelsSource, "holds " + labelCount + " labels but the image file "
                    + imagesSource + " holds " + count + " images");
        }
        byte[] labelValues = new byte[labelCount];
        System.arraycopy(labels, LABELS_HEADER_BYTES, labelValues, 0, labelCount);
        for (int i = 0; i < labelCount; i++) {
            int label = Byte.toUnsignedInt(labelValues[i]);
            if (label >= CLASS_COUNT) {
                throw new DataException(labelsSource, "label " + i + " is " + label + ", outside 0.."
                        + (CLASS_COUNT - 1));
            }
        }
        byte[] pixels = new byte[(int) pixelBytes];
        System.arraycopy(images, IMAGES_HEADER_BYTES, pixels, 0, pixels.length);
        return new ByteImageDataset(name, 1, rows, cols, CLASS_COUNT, pixels, labelValues);
    }

    private static void checkMagic(byte[] content, int expected, String kind, String source) {
        if (content.length < 4) {
            throw new DataException(source, "truncated: " + content.length
                    + " bytes, too short for an IDX magic number");
        }
        int magic = bigEndianInt(content, 0);
        if (magic == expected) {
            return;
        }
        String hint = "";
        if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
            hint = " (that of an IDX " + (magic == IMAGES_MAGIC ? "image" : "label") + " file: images and labels swapped?)";
        }
        throw new DataException(source, String.format("not an IDX %s file: magic number 0x%08X%s, expected 0x%08X",
                kind, magic, hint, expected));
    }

    private static int bigEndianInt(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
                | (b[offset + 3] & 0xff);
    }
}
