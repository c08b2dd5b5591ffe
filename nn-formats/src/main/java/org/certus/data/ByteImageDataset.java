package org.certus.data;

import java.util.Objects;

/**
 * The in-memory form shared by all readers: unsigned pixel bytes, image after image, each image
 * already in CHW order, and one label byte per image. Bytes rather than doubles keep the bundled
 * MNIST test set at 7.8 MB instead of 63 MB; conversion to [0, 1] happens per image on access.
 */
final class ByteImageDataset implements Dataset {
    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final int classCount;
    private final byte[] pixels;
    private final byte[] labels;

    /** Takes ownership of the arrays; readers have validated sizes and labels already. */
    ByteImageDataset(String name, int channels, int height, int width, int classCount, byte[] pixels, byte[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        if (channels <= 0 || height <= 0 || width <= 0 || classCount <= 0) {
            throw new IllegalArgumentException("dimensions and class count must be positive: "
                    + channels + "x" + height + "x" + width + ", " + classCount + " classes");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classCount = classCount;
        this.pixels = pixels;
        this.labels = labels;
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes do not make " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (Byte.toUnsignedInt(labels[i]) >= classCount) {
                throw new IllegalArgumentException("label " + Byte.toUnsignedInt(labels[i]) + " of image " + i
                        + " is not below the class count " + classCount);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int classCount() {
        return classCount;
    }

    @Override
    public int label(int i) {
        return Byte.toUnsignedInt(labels[Objects.checkIndex(i, labels.length)]);
    }

    @Override
    public double[] image(int i) {
        Objects.checkIndex(i, labels.length);
        int n = pixelCount();
        double[] out = new double[n];
        int offset = i * n;
        for (int k = 0; k < n; k++) {
            out[k] = Byte.toUnsignedInt(pixels[offset + k]) / 255.0;
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images, " + channels + "x" + height + "x" + width + ", "
                + classCount + " classes)";
    }
}
