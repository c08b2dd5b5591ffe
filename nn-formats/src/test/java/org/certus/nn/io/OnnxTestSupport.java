package org.certus.nn.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.certus.nn.io.onnx.OnnxProto.GraphProto;
import org.certus.nn.io.onnx.OnnxProto.ModelProto;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/** Shared test fixtures: bundled resources, the MNIST test images, and ONNX Runtime as an oracle. */
final class OnnxTestSupport {
    static final String WK17A = "org/certus/networks/mnist_wk17a_linf0.1_authors.onnx";
    static final String RSL18A = "org/certus/networks/mnist_rsl18a_linf0.1_authors.onnx";
    static final String ACASXU_DIR = "org/certus/benchmarks/acasxu/onnx";

    private static float[][] mnistImages;

    private OnnxTestSupport() {
    }

    static Path resource(String name) {
        var url = OnnxTestSupport.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource missing: " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 10,000 MNIST test images, pixel/255, read once from the bundled gzipped IDX file. */
    static synchronized float[][] mnistTestImages() {
        if (mnistImages == null) {
            try (InputStream raw = OnnxTestSupport.class.getClassLoader().getResourceAsStream("org/certus/data/mnist/t10k-images-idx3-ubyte.gz");
                 DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
                int magic = in.readInt(), n = in.readInt(), rows = in.readInt(), cols = in.readInt();
                if (magic != 0x803) {
                    throw new IllegalStateException("bad IDX magic " + magic);
                }
                byte[] buf = new byte[rows * cols];
                float[][] imgs = new float[n][rows * cols];
                for (int i = 0; i < n; i++) {
                    in.readFully(buf);
                    for (int j = 0; j < buf.length; j++) {
                        imgs[i][j] = (buf[j] & 0xff) / 255f;
                    }
                }
                mnistImages = imgs;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnistImages;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** The single real input of a model: name and dims (symbolic dims as 1). */
    record RealInput(String name, long[] dims) {
    }

    static RealInput realInput(byte[] model) {
        try {
            GraphProto g = ModelProto.parseFrom(model).getGraph();
            Set<String> init = new HashSet<>();
            for (TensorProto t : g.getInitializerList()) {
                init.add(t.getName());
            }
            for (ValueInfoProto vi : g.getInputList()) {
                if (!init.contains(vi.getName())) {
                    var s = vi.getType().getTensorType().getShape();
                    long[] dims = new long[s.getDimCount()];
                    for (int i = 0; i < dims.length; i++) {
                        dims[i] = s.getDim(i).hasDimValue() ? s.getDim(i).getDimValue() : 1;
                    }
                    return new RealInput(vi.getName(), dims);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no real input");
    }

    /** An ONNX Runtime session on a model, run one float32 input at a time. */
    static final class Ort implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final RealInput input;

        Ort(byte[] model) throws OrtException {
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            // Graph optimisations would re-associate float arithmetic; the oracle should be plain.
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            opts.setIntraOpNumThreads(1);
            this.session = env.createSession(model, opts);
            this.input = realInput(model);
        }

        float[] run(float[] x) throws OrtException {
            try (ai.onnxruntime.OnnxTensor t = ai.onnxruntime.OnnxTensor.createTensor(env, FloatBuffer.wrap(x), input.dims());
                 OrtSession.Result r = session.run(Map.of(input.name(), t))) {
                FloatBuffer fb = ((ai.onnxruntime.OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** Max over outputs of |a - b| / (1 + |b|): absolute near zero, relative for large logits. */
    static double maxScaledError(double[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
        }
        return m;
    }
}
