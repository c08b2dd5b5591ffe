package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.normAxis;

import java.util.Arrays;

import org.certus.nn.Flatten;
import org.certus.nn.NetworkException;
import org.certus.nn.Reshape;
import org.certus.nn.Shape;
import org.certus.nn.io.onnx.OnnxProto.TensorProto;
import org.certus.nn.io.onnx.OnnxProto.TensorShapeProto;
import org.certus.nn.io.onnx.OnnxProto.ValueInfoProto;

/**
 * ONNX dims (batch included) as the converter reads them: the graph input's, those of the shape operations
 * (Flatten, Reshape, Squeeze, Unsqueeze) and how a value's dims relate to a Certus {@link Shape}.
 */
final class OnnxDims {
    private OnnxDims() {
    }

    static long[] flattenDims(long[] dims, long axisAttr) {
        long a = axisAttr < 0 ? axisAttr + dims.length : axisAttr;
        if (a < 0 || a > dims.length) {
            throw new NetworkException("Flatten axis " + axisAttr + " is out of range for rank " + dims.length);
        }
        long outer = 1, inner = 1;
        for (int i = 0; i < dims.length; i++) {
            if (i < a) {
                outer *= dims[i];
            } else {
                inner *= dims[i];
            }
        }
        return new long[] {outer, inner};
    }

    static long[] reshapeDims(long[] dims, long[] target) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                if (i >= dims.length) {
                    throw new NetworkException("Reshape copies dimension " + i + " that the input " + Arrays.toString(dims) + " lacks");
                }
                out[i] = dims[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new NetworkException("Reshape target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new NetworkException("Reshape target " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= out[i];
            }
        }
        long total = OnnxTensor.size(dims);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new NetworkException("cannot reshape " + Arrays.toString(dims) + " to " + Arrays.toString(target));
            }
            out[infer] = total / known;
        }
        if (OnnxTensor.size(out) != total) {
            throw new NetworkException("cannot reshape " + Arrays.toString(dims) + " (" + total + " values) to " + Arrays.toString(out));
        }
        return out;
    }

    static long[] squeezeDims(long[] dims, long[] axes) {
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int i = (int) normAxis(a, dims.length, false);
                if (dims[i] != 1) {
                    throw new NetworkException("Squeeze axis " + a + " has size " + dims[i] + ", not 1");
                }
                drop[i] = true;
            }
        }
        long[] out = new long[dims.length];
        int k = 0;
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out[k++] = dims[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    static long[] unsqueezeDims(long[] dims, long[] axes) {
        if (axes == null) {
            throw new NetworkException("Unsqueeze needs axes");
        }
        int r = dims.length + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            int i = (int) normAxis(a, r, false);
            if (ins[i]) {
                throw new NetworkException("Unsqueeze axis " + a + " repeated");
            }
            ins[i] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            out[i] = ins[i] ? 1 : dims[k++];
        }
        return out;
    }

    static long[] imageDims(Shape s) {
        return s.isImage() ? new long[] {1, s.channels(), s.height(), s.width()} : new long[] {1, s.size()};
    }

    /** [1,C,H,W] with a real image plane is an image; anything else ([1,5], [1,784,1], [1,1,1,5]) is flat. */
    static Shape irShapeOf(long[] dims) {
        if (dims.length == 4 && dims[0] == 1 && dims[2] > 1 && dims[3] > 1) {
            return Shape.chw((int) dims[1], (int) dims[2], (int) dims[3]);
        }
        return Shape.flat((int) OnnxTensor.size(dims));
    }

    static long[] inputDims(ValueInfoProto in) {
        String what = "input '" + in.getName() + "'";
        if (!in.hasType() || !in.getType().hasTensorType()) {
            throw new NetworkException(what + " is not a tensor");
        }
        var tt = in.getType().getTensorType();
        int et = tt.getElemType();
        if (et != TensorProto.DataType.FLOAT_VALUE && et != TensorProto.DataType.DOUBLE_VALUE) {
            throw new NetworkException(what + " has element type " + OnnxTensor.typeName(et) + "; only FLOAT (or DOUBLE) inputs are supported");
        }
        if (!tt.hasShape() || tt.getShape().getDimCount() == 0) {
            throw new NetworkException(what + " has no shape");
        }
        long[] dims = new long[tt.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (d.hasDimValue() && d.getDimValue() > 0) {
                dims[i] = d.getDimValue();
            } else if (i == 0) {
                dims[i] = 1; // a symbolic batch dimension: Certus verifies one input at a time
            } else {
                throw new NetworkException(what + " has a symbolic or unknown dimension " + i + " ('" + d.getDimParam() + "')");
            }
        }
        if (dims.length > 1 && dims[0] != 1) {
            throw new NetworkException(what + " has batch size " + dims[0] + "; only batch size 1 is supported");
        }
        return dims;
    }
}
