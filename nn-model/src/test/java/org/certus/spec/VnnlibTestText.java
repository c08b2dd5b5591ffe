package org.certus.spec;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/** Small helpers shared by the VNN-LIB tests. */
final class VnnlibTestText {

    private VnnlibTestText() {
    }

    static VnnlibProperty parse(String text, int inputs, int outputs) {
        try {
            return VnnlibParser.parse(new StringReader(text), "test.vnnlib", inputs, outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Declarations of X_0..X_{n-1} and Y_0..Y_{m-1}, one a line. */
    static String declarations(int inputs, int outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs; i++) {
            sb.append("(declare-const X_").append(i).append(" Real)\n");
        }
        for (int j = 0; j < outputs; j++) {
            sb.append("(declare-const Y_").append(j).append(" Real)\n");
        }
        return sb.toString();
    }

    /** Asserts bounding every input to [lo, hi], two lines per input. */
    static String box(int inputs, double lo, double hi) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs; i++) {
            sb.append("(assert (>= X_").append(i).append(' ').append(lo).append("))\n");
            sb.append("(assert (<= X_").append(i).append(' ').append(hi).append("))\n");
        }
        return sb.toString();
    }
}
