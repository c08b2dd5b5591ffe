package org.certus.nn.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;

/**
 * Reads an ONNX model ({@code .onnx}, or gzip-compressed, detected by its magic bytes) into a
 * {@link Network}, a graph of operations (an Add of two computed values, as in a residual block,
 * becomes an {@link org.certus.nn.Add} node).
 *
 * <p>Supported operators (default domain, batch size 1): Gemm (transA=0), MatMul (x·W), Add, Sub,
 * Mul and Div with a constant (folded into the preceding Dense/Conv2d, merged into a Normalize, or
 * a diagonal Dense on small flat tensors), Add of two computed values (a residual block), Relu,
 * Conv (2-D, group 1, dilation 1, any pads/strides/auto_pad), MaxPool and AveragePool (ceil_mode
 * 0), BatchNormalization (inference, folded), Flatten, Reshape/Squeeze/Unsqueeze (as a flatten or a
 * no-op), Transpose (a no-op, or NCHW→NHWC directly before a flatten), Identity, Dropout, Constant,
 * and constant folding of Shape, Gather, Concat, Cast, Neg and the ops above. Anything else is a
 * {@link NetworkException} naming the file, the node and the operator.
 *
 * <p>The input domain: ONNX does not store one. By default an image input ({@code [1,C,H,W]} with
 * H, W &gt; 1) gets the pixel domain [0,1] and any other input (−∞, +∞): for those networks (ACAS
 * Xu, control policies) the VNN-LIB box of each property is the real input region. Pass an
 * {@link InputDomain} to override.
 *
 * <p>Weights are read as float32/float64 and kept in double precision; the forward pass is exact
 * in double, so it agrees with float32 runtimes such as ONNX Runtime only to about 1e-6 relative.
 */
public final class OnnxImporter {
    /**
     * The most bytes a model may have, read or inflated: protobuf refuses messages of 2 GiB and more, and a Java
     * array cannot hold them either, so no heap setting could load a larger one.
     */
    static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

    private OnnxImporter() {
    }

    public static Network read(Path file) {
        return read(file, null);
    }

    /** As {@link #read(Path)} with an explicit input domain ({@code null} for the default). */
    public static Network read(Path file, InputDomain domain) {
        String source = String.valueOf(file);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // A device never ends (/dev/zero was read until the heap ran out) and a FIFO blocks.
            throw new NetworkException(source + ": not a regular file (a device, pipe or folder)");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_MODEL_BYTES) {
                throw new IOException(size + " bytes, more than the 2 GiB an ONNX model can have");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NetworkException(source + ": file not found");
        } catch (IOException | RuntimeException e) {
            throw new NetworkException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        return parse(bytes, source, domain);
    }

    public static Network read(InputStream in, String sourceName) {
        return read(in, sourceName, null);
    }

    /** Reads the whole stream (not closed here); {@code sourceName} appears in error messages and names the network. */
    public static Network read(InputStream in, String sourceName, InputDomain domain) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw new NetworkException(sourceName + ": cannot read the stream: " + e.getMessage(), e);
        }
        return parse(bytes, sourceName, domain);
    }

    private static Network parse(byte[] bytes, String source, InputDomain domain) {
        try {
            ModelProto model = parseModel(gunzipIfNeeded(bytes, source), source);
            if (!model.hasGraph()) {
                throw new NetworkException("no graph in the model (empty or not an ONNX file?)");
            }
            OnnxModelChecks.check(model);
            return new OnnxGraphConverter(model.getGraph()).convert(networkName(source), domain);
        } catch (NetworkException e) {
            throw e.getMessage().startsWith(source + ": ") ? e : new NetworkException(source + ": " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new NetworkException(source + ": internal error while importing: " + e, e);
        }
    }

    /**
     * Inflates gzip data in two passes: the first only counts the bytes (stopping past {@link #MAX_MODEL_BYTES}),
     * so that a small file inflating to gigabytes is refused without the memory, the second fills an array of
     * exactly that size.
     */
    private static byte[] gunzipIfNeeded(byte[] bytes, String source) {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (GZIPInputStream counting = new GZIPInputStream(new ByteArrayInputStream(bytes));
                 GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                long size = 0;
                byte[] chunk = new byte[1 << 16];
                for (int n; (n = counting.read(chunk)) > 0; ) {
                    size += n;
                    if (size > MAX_MODEL_BYTES) {
                        throw new NetworkException(source + ": inflates to more than 2 GiB, more than an ONNX model can have");
                    }
                }
                byte[] out = new byte[(int) size];
                int filled = gz.readNBytes(out, 0, out.length);
                if (filled != out.length) {
                    throw new NetworkException(source + ": gzip data changed while reading");
                }
                return out;
            } catch (EOFException e) {
                throw new NetworkException(source + ": truncated gzip data", e);
            } catch (ZipException e) {
                throw new NetworkException(source + ": corrupt gzip data: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new NetworkException(source + ": cannot decompress: " + e.getMessage(), e);
            }
        }
        return bytes;
    }

    private static ModelProto parseModel(byte[] bytes, String source) {
        try {
            CodedInputStream cis = CodedInputStream.newInstance(bytes);
            // Large models (hundreds of MB) exceed protobuf's default size guard; the bytes are already in memory.
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(200);
            ModelProto m = ModelProto.parseFrom(cis);
            cis.checkLastTagWas(0);
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new NetworkException(source + ": not a valid ONNX protobuf (truncated or corrupted file): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new NetworkException(source + ": cannot parse: " + e.getMessage(), e);
        }
    }

    private static String networkName(String source) {
        String s = source.replace('\\', '/');
        s = s.substring(s.lastIndexOf('/') + 1);
        for (String ext : new String[] {".gz", ".onnx"}) {
            if (s.endsWith(ext)) {
                s = s.substring(0, s.length() - ext.length());
            }
        }
        return s.isEmpty() ? source : s;
    }
}
