package org.certus.spec;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the S-expressions of a VNN-LIB text one top-level expression at a time, tracking 1-based line and
 * column. {@code ;} starts a comment to the end of the line. Lists are built with an explicit stack, not by
 * recursion, and nesting is capped at {@link #MAX_DEPTH}: later stages recurse over the tree, and a
 * hostile file must give an error, not a {@link StackOverflowError}.
 */
final class SExpressionReader {

    /** Far deeper than any VNN-COMP file (they nest at most 4 levels), far shallower than the stack. */
    static final int MAX_DEPTH = 500;

    private final Reader in;
    private final String source;
    private int line = 1;
    private int column = 1;
    private int peeked = -2; // -2: nothing peeked
    private boolean afterCarriageReturn;

    SExpressionReader(Reader in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Line of the next unread character (the end of the input once everything is read). */
    int line() {
        return line;
    }

    /** Column of the next unread character. */
    int column() {
        return column;
    }

    SpecException error(int atLine, int atColumn, String what) {
        return new SpecException(source, atLine, atColumn, what);
    }

    /** The next top-level expression, or {@code null} at the end of the input. */
    SExpression next() throws IOException {
        Deque<Open> stack = new ArrayDeque<>();
        while (true) {
            skipBlanksAndComments();
            int startLine = line;
            int startColumn = column;
            int c = peek();
            if (c < 0) {
                if (stack.isEmpty()) {
                    return null;
                }
                Open innermost = stack.peek();
                throw error(startLine, startColumn, "unexpected end of input: '(' opened at "
                        + innermost.line + ":" + innermost.column + " is not closed");
            }
            SExpression done;
            if (c == '(') {
                read();
                if (stack.size() >= MAX_DEPTH) {
                    throw error(startLine, startColumn, "expressions nested deeper than " + MAX_DEPTH + " levels");
                }
                stack.push(new Open(startLine, startColumn));
                continue;
            } else if (c == ')') {
                read();
                if (stack.isEmpty()) {
                    throw error(startLine, startColumn, "unbalanced parentheses: ')' without a matching '('");
                }
                Open open = stack.pop();
                done = new SExpression.ListExpression(open.items, open.line, open.column);
            } else {
                done = new SExpression.Atom(readAtom(), startLine, startColumn);
            }
            if (stack.isEmpty()) {
                return done;
            }
            stack.peek().items.add(done);
        }
    }

    private String readAtom() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = peek();
            if (c < 0 || c == '(' || c == ')' || c == ';' || Character.isWhitespace(c)) {
                return sb.toString();
            }
            sb.append((char) read());
        }
    }

    private void skipBlanksAndComments() throws IOException {
        while (true) {
            int c = peek();
            if (c == ';') {
                while (c >= 0 && c != '\n' && c != '\r') {
                    read();
                    c = peek();
                }
            } else if (c >= 0 && Character.isWhitespace(c)) {
                read();
            } else {
                return;
            }
        }
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = in.read();
        }
        return peeked;
    }

    /** Consumes one character and advances the position; CR, LF and CRLF each end one line. */
    private int read() throws IOException {
        int c = peek();
        peeked = -2;
        if (c == '\n') {
            if (!afterCarriageReturn) {
                line++;
            }
            column = 1;
        } else if (c == '\r') {
            line++;
            column = 1;
        } else if (c >= 0) {
            column++;
        }
        afterCarriageReturn = c == '\r';
        return c;
    }

    private static final class Open {
        final int line;
        final int column;
        final List<SExpression> items = new ArrayList<>();

        Open(int line, int column) {
            this.line = line;
            this.column = column;
        }
    }
}
