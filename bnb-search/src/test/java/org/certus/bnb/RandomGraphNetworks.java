package org.certus.bnb;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.certus.nn.Add;
import org.certus.nn.AveragePool;
import org.certus.nn.Concat;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.IndexSelect;
import org.certus.nn.InputDomain;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.Operation;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;

/**
 * Seeded small network graphs beyond a chain of layers, small enough for brute force (at most about
 * 14 units that can change phase: ReLU elements, and for a MaxPool window of k inputs k − 1): MaxPool
 * (2×2 and 3×3, strides 1 and 2, with padding; on post-activations, pre-activations or the input),
 * AveragePool with padding in both {@code count_include_pad} modes (or a zero Pad before it), residual
 * blocks (skips of post-activations, of pre-activations and from the input), and Concat of branches at
 * different depths.
 */
final class RandomGraphNetworks {
    private RandomGraphNetworks() {
    }

    enum Kind { MAXPOOL, AVGPOOL, RESIDUAL, CONCAT }

    /** Most units that can change phase in a generated graph (brute force enumerates their patterns). */
    static final int MAX_PHASE_UNITS = 14;

    /** One random graph of the given kind, with at most {@link #MAX_PHASE_UNITS} units that can change phase. */
    static Network of(Kind kind, Random rnd) {
        while (true) {
            Network net = switch (kind) {
                case MAXPOOL -> maxPool(rnd);
                case AVGPOOL -> avgPool(rnd);
                case RESIDUAL -> residual(rnd);
                case CONCAT -> concat(rnd);
            };
            if (phaseUnits(net) <= MAX_PHASE_UNITS) {
                return net;
            }
        }
    }

    /** ReLU elements, and k − 1 for each MaxPool window of k inputs. */
    static int phaseUnits(Network net) {
        int units = 0;
        for (int i = 0; i < net.nodeCount(); i++) {
            Operation op = net.layer(i);
            if (op instanceof Relu) {
                units += net.valueShape(i + 1).size();
            } else if (op instanceof MaxPool mp) {
                for (int[] w : mp.windowIndices(net.inputShapes(i).get(0))) {
                    units += w.length - 1;
                }
            }
        }
        return units;
    }

    /** A graph builder: node i computes value i + 1 (value 0 is the input). */
    private static final class Builder {
        final Shape input;
        final List<Network.Node> nodes = new ArrayList<>();
        final List<Shape> shapes = new ArrayList<>();

        Builder(Shape input) {
            this.input = input;
            shapes.add(input);
        }

        int add(Operation op, int... in) {
            List<Shape> s = new ArrayList<>();
            for (int v : in) {
                s.add(shapes.get(v));
            }
            shapes.add(op.outputShape(s));
            nodes.add(new Network.Node(op, in));
            return nodes.size();
        }

        Shape shape(int v) {
            return shapes.get(v);
        }

        Network build(String name, double lo, double hi) {
            return Network.graph(name, input, InputDomain.uniform(input.size(), lo, hi), nodes);
        }
    }

    static Dense dense(Random rnd, int in, int out) {
        return new Dense(in, out, BruteForceAgreementTest.gaussian(rnd, in * out, 1.2 / Math.sqrt(in)),
                BruteForceAgreementTest.gaussian(rnd, out, 0.3));
    }

    private static Conv2d conv(Random rnd, int inC, int outC, Window2d w) {
        int fan = inC * w.kernelH() * w.kernelW();
        return new Conv2d(inC, outC, w, BruteForceAgreementTest.gaussian(rnd, outC * fan, 1.2 / Math.sqrt(fan)),
                BruteForceAgreementTest.gaussian(rnd, outC, 0.3));
    }

    private static int outputs(Random rnd) {
        return 2 + rnd.nextInt(2);
    }

    /** Image → [conv (→ ReLU)] → MaxPool → flatten → dense (→ ReLU → dense). */
    private static Network maxPool(Random rnd) {
        int h = 3 + rnd.nextInt(2), w = 3;
        Builder b = new Builder(Shape.chw(1, h, w));
        int v = 0;
        int where = rnd.nextInt(3); // 0: on the input, 1: on pre-activations, 2: on post-activations
        if (where > 0) {
            v = b.add(conv(rnd, 1, 1, Window2d.square(2, 1, rnd.nextInt(2))), v);
            if (where == 2) {
                v = b.add(new Relu(), v);
            }
        }
        Shape s = b.shape(v);
        Window2d pool;
        do {
            int k = 2 + rnd.nextInt(2);
            int stride = 1 + rnd.nextInt(2);
            int pad = rnd.nextInt(k - 1 + 1) % 2;
            pool = Window2d.square(k, stride, Math.min(pad, k - 1));
        } while (pool.kernelH() > s.height() + pool.padTop() + pool.padBottom() || pool.kernelW() > s.width() + pool.padLeft() + pool.padRight());
        v = b.add(new MaxPool(pool), v);
        v = b.add(new Flatten(FlattenOrder.NCHW), v);
        int m = b.shape(v).size();
        if (rnd.nextBoolean()) {
            v = b.add(dense(rnd, m, 2), v);
            v = b.add(new Relu(), v);
            m = 2;
        }
        b.add(dense(rnd, m, outputs(rnd)), v);
        return b.build("random-maxpool", 0, 1);
    }

    /** Image → (zero Pad → AveragePool, or a padded AveragePool) → ReLU → flatten → dense → ReLU → dense. */
    private static Network avgPool(Random rnd) {
        Builder b = new Builder(Shape.chw(1, 4, 4));
        int v = 0;
        Window2d win = new Window2d(2 + rnd.nextInt(2), 2 + rnd.nextInt(2), 2, 2, 1, rnd.nextInt(2), 1, rnd.nextInt(2));
        if (rnd.nextBoolean()) {
            // PyTorch's export of AvgPool2d(padding=…, count_include_pad=True): an explicit zero Pad, then no padding.
            Shape in = b.shape(v);
            int ph = in.height() + win.padTop() + win.padBottom(), pw = in.width() + win.padLeft() + win.padRight();
            int[] src = new int[ph * pw];
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    int iy = y - win.padTop(), ix = x - win.padLeft();
                    src[y * pw + x] = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width() ? iy * in.width() + ix : -1;
                }
            }
            v = b.add(new IndexSelect("Pad", Shape.chw(1, ph, pw), src, 0.0), v);
            v = b.add(new AveragePool(Window2d.valid(win.kernelH(), win.kernelW(), win.strideH(), win.strideW()), false), v);
        } else {
            v = b.add(new AveragePool(win, rnd.nextBoolean()), v);
        }
        v = b.add(new Relu(), v);
        v = b.add(new Flatten(FlattenOrder.NCHW), v);
        int m = b.shape(v).size();
        int hidden = Math.max(1, Math.min(4, 12 - m));
        v = b.add(dense(rnd, m, hidden), v);
        v = b.add(new Relu(), v);
        b.add(dense(rnd, hidden, outputs(rnd)), v);
        return b.build("random-avgpool", 0, 1);
    }

    /** x → relu(D x) = h → relu(D h) → D → Add(·, skip) → ReLU → D, the skip being h, D h (a pre-activation) or D x. */
    private static Network residual(Random rnd) {
        int n = 2 + rnd.nextInt(2);
        Builder b = new Builder(Shape.flat(n));
        int w = 3;
        int pre = b.add(dense(rnd, n, w), 0);
        int h = b.add(new Relu(), pre);
        int r = b.add(new Relu(), b.add(dense(rnd, w, w), h));
        int s = b.add(dense(rnd, w, w), r);
        int skip = switch (rnd.nextInt(3)) {
            case 0 -> h;
            case 1 -> pre;
            default -> b.add(dense(rnd, n, w), 0);
        };
        int j = b.add(new Add(), s, skip);
        int out = rnd.nextBoolean() ? b.add(new Relu(), j) : j;
        b.add(dense(rnd, w, outputs(rnd)), out);
        return b.build("random-residual", -1, 1);
    }

    /** Two branches of different depths (and possibly the input itself) joined by a Concat, then dense layers. */
    private static Network concat(Random rnd) {
        int n = 2 + rnd.nextInt(2);
        Builder b = new Builder(Shape.flat(n));
        int a = b.add(new Relu(), b.add(dense(rnd, n, 3), 0));
        int c = b.add(new Relu(), b.add(dense(rnd, 3, 2), b.add(new Relu(), b.add(dense(rnd, n, 3), 0))));
        List<Integer> parts = new ArrayList<>(List.of(c, a));
        if (rnd.nextBoolean()) {
            parts.add(0);
        }
        if (rnd.nextBoolean()) {
            java.util.Collections.shuffle(parts, rnd);
        }
        int j = b.add(new Concat(Concat.Axis.FLAT), parts.stream().mapToInt(Integer::intValue).toArray());
        int m = b.shape(j).size();
        b.add(dense(rnd, m, outputs(rnd)), j);
        return b.build("random-concat", -1, 1);
    }
}
