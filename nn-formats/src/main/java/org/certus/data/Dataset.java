package org.certus.data;

/**
 * A labelled image dataset, read-only and safe to share between threads.
 *
 * <p>Images come out as flat {@code double[]} in channel-major (CHW) order — the per-sample part of
 * NCHW, which is what the bundled ONNX networks take — with every pixel byte mapped to
 * {@code byte / 255.0} in [0, 1]. No mean/std normalisation is applied: networks that need it
 * carry it themselves.
 */
public interface Dataset {

    /** A short name, e.g. {@code "mnist"} or the file it came from. */
    String name();

    /** Number of images. */
    int size();

    int channels();

    int height();

    int width();

    /** Number of classes; every label lies in {@code [0, classCount())}. */
    int classCount();

    /** The label of image {@code i}. @throws IndexOutOfBoundsException unless {@code 0 <= i < size()} */
    int label(int i);

    /**
     * Image {@code i} as a fresh array of {@link #pixelCount()} values in [0, 1], CHW order:
     * element {@code c * height * width + y * width + x}. The caller owns the array.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     */
    double[] image(int i);

    /**
     * The smallest value a pixel can take: 0 (bytes / 255). With {@link #pixelMax()} the inputs a
     * robustness question on this dataset ranges over by default.
     */
    default double pixelMin() {
        return 0.0;
    }

    /** The largest value a pixel can take: 1 (bytes / 255). */
    default double pixelMax() {
        return 1.0;
    }

    /** {@code channels() * height() * width()}, the length of every {@link #image(int)}. */
    default int pixelCount() {
        return channels() * height() * width();
    }
}
