package org.certus.spec;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads the VNN-COMP subset of VNN-LIB into a {@link VnnlibProperty}.
 *
 * <p>Supported: {@code ;} comments; {@code (declare-const X_i Real)} and {@code (declare-const Y_j Real)};
 * {@code (assert F)} where {@code F} nests {@code and}, {@code or} and comparisons {@code <=, >=, =}
 * between linear terms built from numbers (decimal or scientific, e.g. {@code -0.5}, {@code 1e-3}),
 * declared variables, {@code (+ ...)}, {@code (- ...)} and {@code (* c t)}. Top-level asserts are ANDed.
 * The strict comparisons {@code <} and {@code >} are not part of VNN-LIB 1.0 and are refused (their
 * closure would not be sound: an empty set can have a non-empty closure).
 *
 * <p>Atoms over inputs must bound a single {@code X_i} by a constant; they make up the input box, and
 * several bounds on one variable are intersected. Atoms over outputs may be any linear inequality.
 * Anything else over inputs (general input polytopes, atoms mixing X and Y) is rejected. The formula is
 * brought to disjunctive normal form; its disjuncts are grouped by input box, one {@link VnnlibProperty.Case}
 * per distinct box, in order of first appearance. So {@code (or (and box1) (and box2))} over X (ACAS Xu
 * property 6) gives two cases, and an {@code or} whose disjuncts each mix a box with output atoms gives one
 * case per disjunct. Grouping disjuncts that share a box is exact: {@code (B ∧ P) ∨ (B ∧ Q) = B ∧ (P ∨ Q)}.
 *
 * <p>Every problem in the text is a {@link SpecException} whose message starts with
 * {@code source:line:column:}. I/O failures (missing file, corrupt gzip) are {@link IOException}s.
 */
public final class VnnlibParser {

    /**
     * Cap on the disjuncts (over all cases) of the normal form. VNN-COMP files need at most a few dozen;
     * distributing {@code and} over {@code or} grows as a product, and a cap turns a pathological file into
     * an error instead of an out-of-memory failure.
     */
    public static final int MAX_DISJUNCTS = 10_000;

    private static final Pattern VARIABLE = Pattern.compile("([XY])_(0|[1-9][0-9]*)");
    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /**
     * Parses a {@code .vnnlib} file, or a gzip-compressed one ({@code .vnnlib.gz}; recognised by its magic
     * bytes, not its name).
     */
    public static VnnlibProperty parse(Path path, int inputCount, int outputCount) throws IOException {
        checkCounts(inputCount, outputCount);
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A device never ends (/dev/zero was read until the heap ran out) and a FIFO blocks.
            throw new SpecException(path + ": not a regular file (a device, pipe or folder)");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            Reader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return parse(reader, path.toString(), inputCount, outputCount);
        }
    }

    /**
     * Parses VNN-LIB text for a network with {@code inputCount} inputs and {@code outputCount} outputs.
     * {@code sourceName} names the text in error messages. The reader is not closed.
     */
    public static VnnlibProperty parse(Reader reader, String sourceName, int inputCount, int outputCount)
            throws IOException {
        checkCounts(inputCount, outputCount);
        return new VnnlibParser(new SExpressionReader(reader, sourceName), inputCount, outputCount).run();
    }

    private static void checkCounts(int inputCount, int outputCount) {
        if (inputCount <= 0 || outputCount <= 0) {
            throw new IllegalArgumentException("input and output counts must be positive, got "
                    + inputCount + " and " + outputCount);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private record Variable(boolean input, int index, int line, int column) {
        String name() {
            return (input ? "X_" : "Y_") + index;
        }
    }

    /** A DNF literal: a bound on one input, or a linear constraint on the outputs. */
    private sealed interface Literal permits InputBound, OutputAtom {
    }

    private record InputBound(int index, boolean upper, double value, int line, int column) implements Literal {
    }

    private record OutputAtom(LinearConstraint constraint) implements Literal {
    }

    /**
     * {@code a·x + b·y + constant}, sparse: a term mentions a handful of variables while networks have
     * hundreds of inputs (784 for MNIST), and a dense copy per sub-term made parsing quadratic in practice.
     */
    private static final class Linear {
        final TreeMap<Integer, Double> x = new TreeMap<>();
        final TreeMap<Integer, Double> y = new TreeMap<>();
        double constant;

        Linear plus(Linear other, double scale) {
            Linear r = times(1.0);
            other.x.forEach((i, a) -> r.x.merge(i, scale * a, Double::sum));
            other.y.forEach((j, b) -> r.y.merge(j, scale * b, Double::sum));
            r.constant = constant + scale * other.constant;
            return r;
        }

        Linear times(double factor) {
            Linear r = new Linear();
            x.forEach((i, a) -> r.x.put(i, factor * a));
            y.forEach((j, b) -> r.y.put(j, factor * b));
            r.constant = factor * constant;
            return r;
        }

        boolean isConstant() {
            return nonZero(x) == 0 && nonZero(y) == 0;
        }
    }

    private static int nonZero(Map<Integer, Double> coefficients) {
        int n = 0;
        for (double d : coefficients.values()) {
            if (d != 0.0) {
                n++;
            }
        }
        return n;
    }

    private static boolean allFinite(Map<Integer, Double> coefficients) {
        for (double d : coefficients.values()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private final SExpressionReader reader;
    private final int inputCount;
    private final int outputCount;
    private final Map<String, Variable> declared = new HashMap<>();
    private final Variable[] inputs;
    private int declaredInputs;
    private int declaredOutputs;
    private Variable lastInput;
    private Variable lastOutput;
    /** Literals of asserts with a single disjunct: they belong to every disjunct, so are kept once. */
    private final List<Literal> common = new ArrayList<>();
    /** The product of the asserts with several disjuncts. */
    private List<List<Literal>> terms = List.of(List.of());

    private VnnlibParser(SExpressionReader reader, int inputCount, int outputCount) {
        this.reader = reader;
        this.inputCount = inputCount;
        this.outputCount = outputCount;
        this.inputs = new Variable[inputCount];
    }

    private SpecException error(SExpression at, String what) {
        return reader.error(at.line(), at.column(), what);
    }

    private VnnlibProperty run() throws IOException {
        SExpression form;
        while ((form = reader.next()) != null) {
            if (!(form instanceof SExpression.ListExpression list)) {
                throw error(form, "unknown construct '" + form + "' at top level: expected (declare-const ...) or (assert ...)");
            }
            String head = list.head();
            if ("declare-const".equals(head)) {
                declare(list);
            } else if ("assert".equals(head)) {
                assertion(list);
            } else {
                throw error(list, "unknown construct " + describe(list)
                        + " at top level: expected (declare-const ...) or (assert ...)");
            }
        }
        checkDeclarationCounts();
        return buildProperty();
    }

    private static String describe(SExpression.ListExpression list) {
        return list.head() == null ? (list.items().isEmpty() ? "'()'" : "(a list starting with a list)")
                : "'" + list.head() + "'";
    }

    private void declare(SExpression.ListExpression list) {
        if (list.argumentCount() != 2 || !(list.argument(0) instanceof SExpression.Atom name)
                || !(list.argument(1) instanceof SExpression.Atom sort)) {
            throw error(list, "malformed declaration: expected (declare-const NAME Real)");
        }
        if (!"Real".equals(sort.text())) {
            throw error(sort, "unsupported sort '" + sort.text() + "' of " + name.text() + ": only Real is supported");
        }
        Matcher m = VARIABLE.matcher(name.text());
        if (!m.matches()) {
            throw error(name, "unsupported variable name '" + name.text()
                    + "': VNN-LIB names inputs X_i and outputs Y_j (i, j = 0, 1, ...)");
        }
        Variable previous = declared.get(name.text());
        if (previous != null) {
            throw error(name, name.text() + " is declared twice (first at " + previous.line() + ":" + previous.column() + ")");
        }
        boolean input = m.group(1).equals("X");
        int count = input ? inputCount : outputCount;
        int index;
        try {
            index = Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            index = Integer.MAX_VALUE; // too many digits: certainly out of range
        }
        if (index >= count) {
            String prefix = input ? "X_" : "Y_";
            throw error(name, "index out of range: " + name.text() + " but the network has " + count
                    + (input ? " inputs (" : " outputs (") + prefix + "0.." + prefix + (count - 1) + ")");
        }
        Variable v = new Variable(input, index, name.line(), name.column());
        declared.put(name.text(), v);
        if (input) {
            inputs[index] = v;
            declaredInputs++;
            lastInput = v;
        } else {
            declaredOutputs++;
            lastOutput = v;
        }
    }

    private void checkDeclarationCounts() {
        // Indices are checked against the counts and duplicates rejected, so equal counts mean X_0..X_{n-1}.
        if (declaredInputs != inputCount) {
            int[] at = lastInput != null ? new int[] {lastInput.line(), lastInput.column()} : endOfInput();
            throw reader.error(at[0], at[1], "declared variable count mismatch: " + declaredInputs
                    + " input variables (X_i) declared but the network has " + inputCount + " inputs");
        }
        if (declaredOutputs != outputCount) {
            int[] at = lastOutput != null ? new int[] {lastOutput.line(), lastOutput.column()} : endOfInput();
            throw reader.error(at[0], at[1], "declared variable count mismatch: " + declaredOutputs
                    + " output variables (Y_j) declared but the network has " + outputCount + " outputs");
        }
    }

    private int[] endOfInput() {
        return new int[] {reader.line(), reader.column()};
    }

    private void assertion(SExpression.ListExpression list) {
        if (list.argumentCount() != 1) {
            throw error(list, "'assert' takes one formula, got " + list.argumentCount());
        }
        List<List<Literal>> dnf = dnf(list.argument(0));
        if (dnf.size() == 1) {
            common.addAll(dnf.get(0));
        } else {
            terms = product(terms, dnf, list);
        }
    }

    /**
     * Disjunctive normal form of a formula: a list of disjuncts, each a list of literals. Recursion depth is
     * bounded by {@link SExpressionReader#MAX_DEPTH}.
     */
    private List<List<Literal>> dnf(SExpression formula) {
        if (!(formula instanceof SExpression.ListExpression list)) {
            throw error(formula, "unknown construct '" + formula + "': expected a comparison, 'and' or 'or'");
        }
        String head = list.head();
        if (head == null) {
            throw error(list, "unknown construct " + describe(list) + ": expected a comparison, 'and' or 'or'");
        }
        switch (head) {
            case "and": {
                List<List<Literal>> result = List.of(List.of()); // the empty conjunction: true
                for (int i = 0; i < list.argumentCount(); i++) {
                    result = product(result, dnf(list.argument(i)), list);
                }
                return result;
            }
            case "or": {
                if (list.argumentCount() == 0) {
                    throw error(list, "'or' needs at least one operand (the empty disjunction is unsatisfiable)");
                }
                List<List<Literal>> result = new ArrayList<>();
                for (int i = 0; i < list.argumentCount(); i++) {
                    result.addAll(dnf(list.argument(i)));
                    checkSize(result.size(), list);
                }
                return result;
            }
            case "<=":
                return List.of(comparison(list, false));
            case ">=":
                return List.of(comparison(list, true));
            // VNN-LIB 1.0 has only <= and >=. Reading a strict comparison as its closure is not sound: the
            // closure of X_0 <= 0.6 ∧ X_0 > 0.6 (empty) is the point 0.6, where a "counterexample" then passes
            // every re-check. No VNN-COMP benchmark uses them, so they are refused.
            case "<":
            case ">":
                throw error(list, "strict inequality '" + head + "' is not part of VNN-LIB 1.0, which has only <= and >=;"
                        + " write (" + head + "= ...) if the closed set is meant");
            case "=":
                List<Literal> both = new ArrayList<>(comparison(list, false));
                both.addAll(comparison(list, true));
                return List.of(both);
            case "not":
            case "=>":
            case "xor":
            case "ite":
            case "distinct":
                throw error(list, "unsupported construct '" + head
                        + "': only and, or and the comparisons <=, >= and = are supported");
            default:
                throw error(list, "unknown construct '" + head + "': expected and, or, <=, >= or =");
        }
    }

    private List<List<Literal>> product(List<List<Literal>> a, List<List<Literal>> b, SExpression at) {
        checkSize((long) a.size() * b.size(), at);
        List<List<Literal>> result = new ArrayList<>(a.size() * b.size());
        for (List<Literal> left : a) {
            for (List<Literal> right : b) {
                List<Literal> both = new ArrayList<>(left.size() + right.size());
                both.addAll(left);
                both.addAll(right);
                result.add(both);
            }
        }
        return result;
    }

    private void checkSize(long disjuncts, SExpression at) {
        if (disjuncts > MAX_DISJUNCTS) {
            throw error(at, "formula too large: its disjunctive normal form has " + disjuncts
                    + " disjuncts, more than the limit of " + MAX_DISJUNCTS);
        }
    }

    /** {@code lhs <= rhs} (or {@code >=} if {@code greater}) as literals. */
    private List<Literal> comparison(SExpression.ListExpression list, boolean greater) {
        if (list.argumentCount() != 2) {
            throw error(list, "'" + list.head() + "' needs exactly 2 operands, got " + list.argumentCount());
        }
        Linear difference = term(list.argument(0)).plus(term(list.argument(1)), -1.0);
        Linear atMostZero = greater ? difference.times(-1.0) : difference;
        return List.of(literal(atMostZero, list));
    }

    /** The literal {@code a·x + b·y + c <= 0}. */
    private Literal literal(Linear l, SExpression at) {
        if (!Double.isFinite(l.constant) || !allFinite(l.x) || !allFinite(l.y)) {
            throw error(at, "number out of range: a coefficient or constant of this comparison is not finite");
        }
        int xs = nonZero(l.x);
        int ys = nonZero(l.y);
        if (xs == 0 && ys == 0) {
            throw error(at, "unsupported construct: comparison without variables");
        }
        if (xs > 0 && ys > 0) {
            throw error(at, "unsupported construct: comparison mixes inputs (X) and outputs (Y); general input"
                    + " polytopes are not supported, inputs may only be bounded by constants (a box)");
        }
        if (xs > 1) {
            throw error(at, "unsupported construct: comparison over several inputs; general input polytopes are"
                    + " not supported, only bounds of a single X_i by a constant (a box)");
        }
        if (xs == 1) {
            int i = -1;
            double a = 0.0;
            for (Map.Entry<Integer, Double> e : l.x.entrySet()) {
                if (e.getValue() != 0.0) {
                    i = e.getKey();
                    a = e.getValue();
                }
            }
            double bound = -l.constant / a; // a·x_i + c <= 0  ⇔  x_i <= -c/a (a > 0), x_i >= -c/a (a < 0)
            if (!Double.isFinite(bound)) {
                throw error(at, "number out of range: bound of X_" + i + " is not finite");
            }
            return new InputBound(i, a > 0, bound, at.line(), at.column());
        }
        double[] coefficients = new double[outputCount];
        l.y.forEach((j, b) -> coefficients[j] = b);
        return new OutputAtom(new LinearConstraint(coefficients, -l.constant));
    }

    private Linear term(SExpression t) {
        if (t instanceof SExpression.Atom atom) {
            String text = atom.text();
            if (NUMBER.matcher(text).matches()) {
                double value = Double.parseDouble(text);
                if (!Double.isFinite(value)) {
                    throw error(atom, "number out of range: " + text);
                }
                Linear l = new Linear();
                l.constant = value;
                return l;
            }
            Variable v = declared.get(text);
            if (v == null) {
                throw error(atom, VARIABLE.matcher(text).matches() ? "undeclared variable " + text
                        : "unknown symbol '" + text + "': expected a number or a declared variable X_i or Y_j");
            }
            Linear l = new Linear();
            (v.input() ? l.x : l.y).put(v.index(), 1.0);
            return l;
        }
        SExpression.ListExpression list = (SExpression.ListExpression) t;
        String head = list.head();
        int n = list.argumentCount();
        if ("+".equals(head) && n >= 1) {
            Linear sum = term(list.argument(0));
            for (int i = 1; i < n; i++) {
                sum = sum.plus(term(list.argument(i)), 1.0);
            }
            return sum;
        }
        if ("-".equals(head) && n >= 1) {
            Linear first = term(list.argument(0));
            if (n == 1) {
                return first.times(-1.0);
            }
            for (int i = 1; i < n; i++) {
                first = first.plus(term(list.argument(i)), -1.0);
            }
            return first;
        }
        if ("*".equals(head) && n >= 2) {
            Linear product = term(list.argument(0));
            for (int i = 1; i < n; i++) {
                Linear factor = term(list.argument(i));
                if (factor.isConstant()) {
                    product = product.times(factor.constant);
                } else if (product.isConstant()) {
                    product = factor.times(product.constant);
                } else {
                    throw error(list, "unsupported construct: product of two variables is not linear");
                }
            }
            return product;
        }
        if ("+".equals(head) || "-".equals(head) || "*".equals(head)) {
            throw error(list, "'" + head + "' needs at least " + ("*".equals(head) ? 2 : 1) + " operand(s)");
        }
        throw error(list, "unknown construct " + describe(list) + " in a term: expected a number, a variable, +, - or *");
    }

    private VnnlibProperty buildProperty() {
        Map<InputBox, List<Conjunction>> byBox = new LinkedHashMap<>();
        for (int t = 0; t < terms.size(); t++) {
            String which = terms.size() == 1 ? "" : " in disjunct " + (t + 1) + " of " + terms.size();
            InputBound[] lower = new InputBound[inputCount];
            InputBound[] upper = new InputBound[inputCount];
            List<LinearConstraint> constraints = new ArrayList<>();
            for (List<Literal> literals : List.of(common, terms.get(t))) {
                for (Literal literal : literals) {
                    if (literal instanceof OutputAtom o) {
                        constraints.add(o.constraint());
                    } else {
                        InputBound b = (InputBound) literal;
                        InputBound[] side = b.upper() ? upper : lower;
                        InputBound old = side[b.index()];
                        // Intersect: keep the tighter bound (max of lowers, min of uppers).
                        if (old == null || (b.upper() ? b.value() < old.value() : b.value() > old.value())) {
                            side[b.index()] = b;
                        }
                    }
                }
            }
            double[] lo = new double[inputCount];
            double[] hi = new double[inputCount];
            for (int i = 0; i < inputCount; i++) {
                Variable v = inputs[i];
                if (lower[i] == null || upper[i] == null) {
                    throw reader.error(v.line(), v.column(), "unbounded input: X_" + i + " has no "
                            + (lower[i] == null ? "lower" : "upper") + " bound" + which
                            + " (every input needs constant lower and upper bounds)");
                }
                if (lower[i].value() > upper[i].value()) {
                    InputBound later = isAfter(lower[i], upper[i]) ? lower[i] : upper[i];
                    throw reader.error(later.line(), later.column(), "empty input box: lower bound "
                            + lower[i].value() + " of X_" + i + " (at " + lower[i].line() + ":" + lower[i].column()
                            + ") is above its upper bound " + upper[i].value() + " (at " + upper[i].line() + ":"
                            + upper[i].column() + ")" + which);
                }
                lo[i] = lower[i].value();
                hi[i] = upper[i].value();
            }
            byBox.computeIfAbsent(new InputBox(lo, hi), box -> new ArrayList<>())
                    .add(new Conjunction(outputCount, constraints));
        }
        List<VnnlibProperty.Case> cases = new ArrayList<>();
        byBox.forEach((box, conjunctions) ->
                cases.add(new VnnlibProperty.Case(box, new OutputCondition(outputCount, conjunctions))));
        return new VnnlibProperty(cases);
    }

    private static boolean isAfter(InputBound a, InputBound b) {
        return a.line() > b.line() || (a.line() == b.line() && a.column() > b.column());
    }
}
