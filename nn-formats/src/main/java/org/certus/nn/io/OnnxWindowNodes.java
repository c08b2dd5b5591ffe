package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attrInt;
import static org.certus.nn.io.OnnxAttributes.attrInts;
import static org.certus.nn.io.OnnxAttributes.attrString;

import java.util.Arrays;
import java.util.List;

import org.certus.nn.AveragePool;
import org.certus.nn.Conv2d;
import org.certus.nn.ConvTranspose2d;
import org.certus.nn.MaxPool;
import org.certus.nn.NetworkException;
import org.certus.nn.Operation;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import org.certus.nn.io.OnnxValues.Computed;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;

/**
 * ONNX's windowed operations: Conv (1-D and 2-D), ConvTranspose, MaxPool and AveragePool, with their windows
 * (kernel, strides, pads, auto_pad) read from the attributes; a 1-D operation works on [1,C,L] read as C×1×L.
 */
final class OnnxWindowNodes {
    private final OnnxValues values;

    OnnxWindowNodes(OnnxValues values) {
        this.values = values;
    }

    /**
     * The 2-D window of a Conv/pool node on {@code in}; a 1-D node (on [1,C,L], read as C×1×L) has its
     * one-axis attributes applied to the width.
     */
    private static Window2d window(NodeProto n, Shape in, int kH, int kW, boolean oneD) {
        long[] dil = attrInts(n, "dilations");
        if (dil != null) {
            for (long d : dil) {
                if (d != 1) {
                    throw new NetworkException("dilations " + Arrays.toString(dil) + " are not supported (only 1)");
                }
            }
        }
        int axes = oneD ? 1 : 2;
        long[] st = attrInts(n, "strides");
        if (st != null && st.length != axes) {
            throw new NetworkException("strides " + Arrays.toString(st) + " must have " + axes + " value(s)");
        }
        int sH = oneD || st == null ? 1 : (int) st[0];
        int sW = st == null ? 1 : (int) st[axes - 1];
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        long[] pads = attrInts(n, "pads");
        switch (autoPad) {
            case "SAME_UPPER":
                return Window2d.same(in.height(), in.width(), kH, kW, sH, sW);
            case "SAME_LOWER":
                return Window2d.sameLower(in.height(), in.width(), kH, kW, sH, sW);
            case "VALID":
                return Window2d.valid(kH, kW, sH, sW);
            case "NOTSET":
            case "":
                if (pads == null) {
                    return Window2d.valid(kH, kW, sH, sW);
                }
                if (pads.length != 2 * axes) {
                    throw new NetworkException("pads " + Arrays.toString(pads) + " must have " + 2 * axes + " values");
                }
                if (oneD) {
                    return new Window2d(kH, kW, sH, sW, 0, 0, (int) pads[0], (int) pads[1]);
                }
                // ONNX orders pads as all begins then all ends: [top, left, bottom, right].
                return new Window2d(kH, kW, sH, sW, (int) pads[0], (int) pads[2], (int) pads[1], (int) pads[3]);
            default:
                throw new NetworkException("auto_pad '" + autoPad + "' is not supported");
        }
    }

    /** ONNX dims of a windowed op's output on {@code x}: rank 4 as an image, rank 3 as [1,C,L]. */
    private static long[] windowOutDims(Computed x, Shape out) {
        return x.dims().length == 3 ? new long[] {1, out.channels(), out.width()} : new long[] {1, out.channels(), out.height(), out.width()};
    }

    Object conv(NodeProto n) {
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw new NetworkException("group=" + group + " is not supported (only group=1)");
        }
        Computed x0 = values.computed(n, 0);
        boolean oneD = x0.dims().length == 3;
        Computed x = values.asImage(x0);
        OnnxTensor w = values.constant(n, 1);
        long[] wd = w.dims();
        if (oneD && wd.length == 3) {
            wd = new long[] {wd[0], wd[1], 1, wd[2]};
        }
        if (wd.length != 4) {
            throw new NetworkException("Conv weight has shape " + Arrays.toString(w.dims()) + "; only 1-D and 2-D convolutions are supported");
        }
        long[] ks = attrInts(n, "kernel_shape");
        if (ks != null && !(ks.length == 2 && ks[0] == wd[2] && ks[1] == wd[3] || oneD && ks.length == 1 && ks[0] == wd[3])) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight shape " + Arrays.toString(w.dims()));
        }
        Shape s = values.shapeOf(x);
        if (wd[1] != s.channels()) {
            throw new NetworkException("shape mismatch: Conv weight " + Arrays.toString(w.dims()) + " expects " + wd[1] + " input channels, input has " + s.channels());
        }
        int outC = (int) wd[0];
        double[] bias = values.hasInput(n, 2) ? values.constant(n, 2).broadcastTo(new long[] {outC}) : new double[outC];
        Window2d win = window(n, s, (int) wd[2], (int) wd[3], oneD);
        Conv2d conv = new Conv2d((int) wd[1], outC, win, w.values(), bias);
        Shape out = conv.outputShape(s);
        return values.node(conv, windowOutDims(x0, out), x);
    }

    Object convTranspose(NodeProto n) {
        long group = attrInt(n, "group", 1);
        if (group != 1) {
            throw new NetworkException("group=" + group + " is not supported (only group=1)");
        }
        long[] dil = attrInts(n, "dilations");
        if (dil != null && Arrays.stream(dil).anyMatch(v -> v != 1)) {
            throw new NetworkException("dilations " + Arrays.toString(dil) + " are not supported (only 1)");
        }
        String autoPad = attrString(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("") && !autoPad.equals("VALID")) {
            throw new NetworkException("auto_pad '" + autoPad + "' is not supported for ConvTranspose");
        }
        Computed x = values.asImage(values.computed(n, 0));
        if (values.computed(n, 0).dims().length != 4) {
            throw new NetworkException("only 2-D ConvTranspose ([1,C,H,W] inputs) is supported");
        }
        OnnxTensor w = values.constant(n, 1);
        long[] wd = w.dims();
        if (wd.length != 4) {
            throw new NetworkException("ConvTranspose weight has shape " + Arrays.toString(wd) + ", expected [inC, outC, kH, kW]");
        }
        Shape s = values.shapeOf(x);
        if (wd[0] != s.channels()) {
            throw new NetworkException("shape mismatch: ConvTranspose weight " + Arrays.toString(wd) + " expects " + wd[0] + " input channels, input has " + s.channels());
        }
        long[] st = attrInts(n, "strides");
        long[] pads = attrInts(n, "pads");
        long[] op = attrInts(n, "output_padding");
        int sH = st == null ? 1 : (int) st[0], sW = st == null ? 1 : (int) st[1];
        int[] p = pads == null || autoPad.equals("VALID") ? new int[4] : new int[] {(int) pads[0], (int) pads[1], (int) pads[2], (int) pads[3]};
        int oH = op == null ? 0 : (int) op[0], oW = op == null ? 0 : (int) op[1];
        int outC = (int) wd[1];
        double[] bias = values.hasInput(n, 2) ? values.constant(n, 2).broadcastTo(new long[] {outC}) : new double[outC];
        ConvTranspose2d ct = new ConvTranspose2d((int) wd[0], outC, (int) wd[2], (int) wd[3], sH, sW, p[0], p[1], p[2], p[3], oH, oW,
                w.values(), bias);
        Shape out = ct.outputShape(s);
        long[] os = attrInts(n, "output_shape");
        if (os != null && (os[os.length - 2] != out.height() || os[os.length - 1] != out.width())) {
            throw new NetworkException("ConvTranspose output_shape " + Arrays.toString(os) + " differs from the one its pads give ("
                    + out + "); only explicit pads are supported");
        }
        return values.node(ct, OnnxDims.imageDims(out), x);
    }

    Object pool(NodeProto n) {
        Computed x0 = values.computed(n, 0);
        boolean oneD = x0.dims().length == 3;
        Computed x = values.asImage(x0);
        long[] ks = attrInts(n, "kernel_shape");
        if (ks == null || ks.length != (oneD ? 1 : 2)) {
            throw new NetworkException("kernel_shape " + Arrays.toString(ks) + " must have " + (oneD ? 1 : 2) + " value(s)");
        }
        if (attrInt(n, "storage_order", 0) != 0) {
            throw new NetworkException("storage_order=1 is not supported");
        }
        Shape s = values.shapeOf(x);
        Window2d win = window(n, s, oneD ? 1 : (int) ks[0], (int) ks[ks.length - 1], oneD);
        if (attrInt(n, "ceil_mode", 0) != 0) {
            // ceil_mode changes nothing when every window fits exactly; otherwise it is not supported.
            boolean exact = (s.height() + win.padTop() + win.padBottom() - win.kernelH()) % win.strideH() == 0
                    && (s.width() + win.padLeft() + win.padRight() - win.kernelW()) % win.strideW() == 0;
            if (!exact) {
                throw new NetworkException("ceil_mode=1 is supported only where it gives the same windows as ceil_mode=0");
            }
        }
        Operation l = n.getOpType().equals("MaxPool") ? new MaxPool(win) : new AveragePool(win, attrInt(n, "count_include_pad", 0) != 0);
        Shape out = l.outputShape(List.of(s));
        return values.node(l, windowOutDims(x0, out), x);
    }
}
