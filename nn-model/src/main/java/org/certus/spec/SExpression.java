package org.certus.spec;

import java.util.List;

/** A parsed S-expression with the 1-based position of its first character, for error messages. */
sealed interface SExpression permits SExpression.Atom, SExpression.ListExpression {

    int line();

    int column();

    /** A symbol or a number, exactly as written. */
    record Atom(String text, int line, int column) implements SExpression {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A parenthesised list; {@code line, column} are those of its opening parenthesis. */
    record ListExpression(List<SExpression> items, int line, int column) implements SExpression {
        public ListExpression {
            items = List.copyOf(items);
        }

        /** The head symbol, or {@code null} if the list is empty or starts with a list. */
        String head() {
            return !items.isEmpty() && items.get(0) instanceof Atom a ? a.text() : null;
        }

        int argumentCount() {
            return items.size() - 1;
        }

        SExpression argument(int i) {
            return items.get(i + 1);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < items.size(); i++) {
                sb.append(i == 0 ? "" : " ").append(items.get(i));
            }
            return sb.append(')').toString();
        }
    }
}
