package org.certus.nn.io;

import static org.certus.nn.io.OnnxAttributes.attr;
import static org.certus.nn.io.OnnxAttributes.attrFloat;
import static org.certus.nn.io.OnnxAttributes.attrInt;
import static org.certus.nn.io.OnnxAttributes.attrInts;
import static org.certus.nn.io.OnnxAttributes.attrString;
import static org.certus.nn.io.OnnxAttributes.normAxis;
import static org.certus.nn.io.OnnxAttributes.perm;

import java.util.Arrays;

import org.certus.nn.NetworkException;
import org.certus.nn.io.onnx.OnnxProto.AttributeProto;
import org.certus.nn.io.onnx.OnnxProto.NodeProto;

/** Attributes of ONNX nodes, with their defaults, and ONNX's axis conventions (negative axes count from the end). */
final class OnnxAttributes {
    private OnnxAttributes() {
    }

    static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static long attrInt(NodeProto n, String name, long dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getI();
    }

    static float attrFloat(NodeProto n, String name, float dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getF();
    }

    static String attrString(NodeProto n, String name, String dflt) {
        AttributeProto a = attr(n, name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    static long[] attrInts(NodeProto n, String name) {
        AttributeProto a = attr(n, name);
        if (a == null) {
            return null;
        }
        long[] r = new long[a.getIntsCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.getInts(i);
        }
        return r;
    }

    static long normAxis(long axis, int rank, boolean clamp) {
        long a = axis < 0 ? axis + rank : axis;
        if (clamp) {
            return Math.max(0, Math.min(a, rank - 1));
        }
        if (a < 0 || a >= rank) {
            throw new NetworkException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    static int[] perm(NodeProto n, int rank) {
        long[] p = attrInts(n, "perm");
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = p == null ? rank - 1 - i : (int) p[i];
            if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]] || (p != null && p.length != rank)) {
                throw new NetworkException("Transpose perm " + Arrays.toString(p) + " is not a permutation of rank " + rank);
            }
            seen[perm[i]] = true;
        }
        return perm;
    }
}
