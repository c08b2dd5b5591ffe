package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attr;
import static org.certus.nn.io.OnnxAttributes.attrFloat;
import static org.certus.nn.io.OnnxAttributes.attrInt;
import static org.certus.nn.io.OnnxAttributes.attrInts;
import static org.certus.nn.io.OnnxAttributes.attrString;
import static org.certus.nn.io.OnnxAttributes.normAxis;
import static org.certus.nn.io.OnnxAttributes.perm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.certus.nn.Concat;
import org.certus.nn.IndexSelect;
import org.certus.nn.NetworkException;
import org.certus.nn.io.OnnxValues.Computed;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;

/**
 * ONNX's static rearrangements of values that depend on the input (Transpose, Slice, Gather, Pad, Concat): each
 * output element copies one input element (or a fill value), so each becomes an {@link IndexSelect} — none at all
 * when it is a pure reshape — or a {@link Concat} of images along an axis.
 */
final class OnnxRearrangeNodes {
    private final OnnxValues values;

    OnnxRearrangeNodes(OnnxValues values) {
        this.values = values;
    }

    /** Computes, for each output element, the input element it copies (or −1 for the fill). */
    private interface IndexRule {
        /** Sets {@code in} from {@code out} (multi-indices); false when the output element copies nothing. */
        boolean source(long[] out, long[] in);
    }

    Computed rearrange(String label, Computed x, long[] outDims, double fill, IndexRule rule) {
        long[] inDims = x.dims();
        int size = (int) OnnxTensor.size(outDims);
        int[] src = new int[size];
        long[] o = new long[outDims.length];
        long[] i = new long[inDims.length];
        boolean identity = size == OnnxTensor.size(inDims);
        for (int flat = 0; flat < size; flat++) {
            long rem = flat;
            for (int a = outDims.length - 1; a >= 0; a--) {
                o[a] = rem % outDims[a];
                rem /= outDims[a];
            }
            if (rule.source(o, i)) {
                long idx = 0;
                for (int a = 0; a < inDims.length; a++) {
                    if (i[a] < 0 || i[a] >= inDims[a]) {
                        throw new IllegalStateException(label + " index out of range");
                    }
                    idx = idx * inDims[a] + i[a];
                }
                src[flat] = (int) idx;
            } else {
                src[flat] = -1;
            }
            identity &= src[flat] == flat;
        }
        if (identity) {
            return OnnxValues.withDims(x, outDims);
        }
        return values.node(new IndexSelect(label, OnnxDims.irShapeOf(outDims), src, fill), outDims, x);
    }

    Object transpose(NodeProto n) {
        Computed x = values.computed(n, 0);
        int[] perm = perm(n, x.dims().length);
        long[] nd = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            nd[i] = x.dims()[perm[i]];
        }
        return rearrange("Transpose", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < perm.length; a++) {
                in[perm[a]] = o[a];
            }
            return true;
        });
    }

    Object slice(NodeProto n) {
        Computed x = values.computed(n, 0);
        long[] d = x.dims();
        int r = d.length;
        long[] starts, ends, axes, steps;
        if (attr(n, "starts") != null) {
            starts = attrInts(n, "starts");
            ends = attrInts(n, "ends");
            axes = attrInts(n, "axes");
            steps = null;
        } else {
            starts = values.constant(n, 1).asLongs();
            ends = values.constant(n, 2).asLongs();
            axes = values.hasInput(n, 3) ? values.constant(n, 3).asLongs() : null;
            steps = values.hasInput(n, 4) ? values.constant(n, 4).asLongs() : null;
        }
        if (ends == null || starts.length != ends.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw new NetworkException("Slice starts, ends, axes and steps must have the same length");
        }
        long[] first = new long[r], step = new long[r], nd = d.clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = axes == null ? k : (int) normAxis(axes[k], r, false);
            long st = steps == null ? 1 : steps[k];
            if (st == 0) {
                throw new NetworkException("Slice step 0");
            }
            long dim = d[a];
            long s0 = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e0 = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (st > 0) {
                s0 = Math.max(0, Math.min(s0, dim));
                e0 = Math.max(0, Math.min(e0, dim));
                nd[a] = Math.max(0, (e0 - s0 + st - 1) / st);
            } else {
                s0 = Math.max(-1, Math.min(s0, dim - 1));
                e0 = Math.max(-1, Math.min(e0, dim - 1));
                nd[a] = Math.max(0, (s0 - e0 + (-st) - 1) / (-st));
            }
            first[a] = s0;
            step[a] = st;
        }
        if (OnnxTensor.size(nd) == 0) {
            throw new NetworkException("Slice leaves no element");
        }
        return rearrange("Slice", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < r; a++) {
                in[a] = first[a] + o[a] * step[a];
            }
            return true;
        });
    }

    Object gatherComputed(NodeProto n) {
        Computed x = values.computed(n, 0);
        OnnxTensor indices = values.constant(n, 1);
        long[] d = x.dims();
        int r = d.length;
        int axis = (int) normAxis(attrInt(n, "axis", 0), r, false);
        long[] idx = indices.asLongs();
        for (int k = 0; k < idx.length; k++) {
            long j = idx[k] < 0 ? idx[k] + d[axis] : idx[k];
            if (j < 0 || j >= d[axis]) {
                throw new NetworkException("Gather index " + idx[k] + " is out of range for an axis of size " + d[axis]);
            }
            idx[k] = j;
        }
        long[] idims = indices.dims();
        long[] nd = new long[r - 1 + idims.length];
        System.arraycopy(d, 0, nd, 0, axis);
        System.arraycopy(idims, 0, nd, axis, idims.length);
        System.arraycopy(d, axis + 1, nd, axis + idims.length, r - axis - 1);
        return rearrange("Gather", x, nd, 0.0, (o, in) -> {
            for (int a = 0; a < axis; a++) {
                in[a] = o[a];
            }
            long flatIdx = 0;
            for (int a = 0; a < idims.length; a++) {
                flatIdx = flatIdx * idims[a] + o[axis + a];
            }
            in[axis] = idx[(int) flatIdx];
            for (int a = axis + 1; a < r; a++) {
                in[a] = o[a - 1 + idims.length];
            }
            return true;
        });
    }

    Object pad(NodeProto n) {
        Computed x = values.computed(n, 0);
        String mode = attrString(n, "mode", "constant");
        if (!mode.equals("constant")) {
            throw new NetworkException("Pad mode '" + mode + "' is not supported (only constant)");
        }
        long[] d = x.dims();
        int r = d.length;
        long[] pads;
        double value;
        long[] axes = null;
        if (attr(n, "pads") != null) {
            pads = attrInts(n, "pads");
            value = attrFloat(n, "value", 0f);
        } else {
            pads = values.constant(n, 1).asLongs();
            value = values.hasInput(n, 2) ? values.constant(n, 2).values()[0] : 0.0;
            axes = values.hasInput(n, 3) ? values.constant(n, 3).asLongs() : null;
        }
        int na = axes == null ? r : axes.length;
        if (pads.length != 2 * na) {
            throw new NetworkException("Pad has " + pads.length + " pads for " + na + " axes");
        }
        long[] begin = new long[r], nd = d.clone();
        for (int k = 0; k < na; k++) {
            int a = axes == null ? k : (int) normAxis(axes[k], r, false);
            begin[a] = pads[k];
            nd[a] = d[a] + pads[k] + pads[k + na];
            if (nd[a] <= 0) {
                throw new NetworkException("Pad leaves no element along axis " + a);
            }
        }
        return rearrange("Pad", x, nd, value, (o, in) -> {
            for (int a = 0; a < r; a++) {
                in[a] = o[a] - begin[a];
                if (in[a] < 0 || in[a] >= d[a]) {
                    return false;
                }
            }
            return true;
        });
    }

    Object concatComputed(NodeProto n) {
        List<Computed> parts = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            if (values.hasInput(n, i)) {
                if (!(values.in(n, i) instanceof Computed c)) {
                    throw new NetworkException("Concat of a constant and an input-dependent value is not supported");
                }
                parts.add(c);
            }
        }
        long[] d0 = parts.get(0).dims();
        int r = d0.length;
        int axis = (int) normAxis(attrInt(n, "axis", 0), r, false);
        long[] nd = d0.clone();
        nd[axis] = 0;
        for (Computed c : parts) {
            if (c.dims().length != r) {
                throw new NetworkException("Concat inputs differ in rank");
            }
            for (int a = 0; a < r; a++) {
                if (a != axis && c.dims()[a] != d0[a]) {
                    throw new NetworkException("Concat inputs disagree in shape: " + Arrays.toString(c.dims()) + " vs " + Arrays.toString(d0));
                }
            }
            nd[axis] += c.dims()[axis];
        }
        Computed[] in = new Computed[parts.size()];
        if (r == 4 && d0[0] == 1 && axis >= 1) {
            for (int k = 0; k < in.length; k++) {
                in[k] = values.asImage(parts.get(k));
            }
            Concat.Axis ax = axis == 1 ? Concat.Axis.CHANNEL : axis == 2 ? Concat.Axis.HEIGHT : Concat.Axis.WIDTH;
            return values.node(new Concat(ax), nd, in);
        }
        for (int k = 0; k < in.length; k++) {
            in[k] = values.flat(parts.get(k));
        }
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= d0[a];
        }
        long[] flatDims = {1, OnnxTensor.size(nd)};
        Computed joined = values.node(new Concat(Concat.Axis.FLAT), flatDims, in);
        if (outer == 1) {
            return OnnxValues.withDims(joined, nd);
        }
        // Not end to end in row-major order: interleave the parts' blocks.
        long[] starts = new long[parts.size() + 1];
        for (int k = 0; k < parts.size(); k++) {
            starts[k + 1] = starts[k] + OnnxTensor.size(parts.get(k).dims());
        }
        int[] src = new int[(int) OnnxTensor.size(nd)];
        int at = 0;
        for (long o = 0; o < outer; o++) {
            for (int k = 0; k < parts.size(); k++) {
                long chunk = OnnxTensor.size(parts.get(k).dims()) / outer;
                for (long q = 0; q < chunk; q++) {
                    src[at++] = (int) (starts[k] + o * chunk + q);
                }
            }
        }
        return values.node(new IndexSelect("Concat", OnnxDims.irShapeOf(nd), src, 0.0), nd, joined);
    }
}
