package org.certus.nn;

/** The memory order in which {@link Flatten} linearises a CHW image. */
public enum FlattenOrder {
    /** Channel-major, as ONNX and PyTorch (the identity on Certus' CHW storage). */
    NCHW,
    /** Channel-last, as TensorFlow and MIPVerify: index {@code (h * W + w) * C + c}. */
    NHWC
}
