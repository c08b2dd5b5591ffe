package org.certus.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random instances of every {@link Operation} class, with input shapes that fit: the
 * registration point of the operation property test ({@code OperationRulesTest}), which fails when an
 * operation class of {@code org.certus.nn} has no generator here.
 */
final class RandomOperations {
    private RandomOperations() {
    }

    /** An operation and the shapes of its inputs. */
    record Instance(Operation op, List<Shape> inputs) {
        @Override
        public String toString() {
            return op.describe() + " on " + inputs;
        }
    }

    /** The operation classes the generators cover, one generator each (in this order). */
    static final List<Class<? extends Operation>> COVERED = List.of(Dense.class, Conv2d.class, ConvTranspose2d.class, Normalize.class,
            ElementwiseAffine.class, Flatten.class, Reshape.class, IndexSelect.class, AveragePool.class, Add.class, Concat.class,
            Relu.class, MaxPool.class, AffineTransform.class);

    /**
     * A random instance whose input shapes fit (drawn again until they do). Parameters are float32
     * values, as in ONNX files (the float32 rounding model assumes it; folded weights carry extra roundings).
     */
    static Instance random(Class<? extends Operation> type, Random rnd) {
        for (int attempt = 0; ; attempt++) {
            Instance i = draw(type, new Float32Random(rnd));
            try {
                i.op().outputShape(i.inputs());
                return i;
            } catch (NetworkException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static Instance draw(Class<? extends Operation> type, Random rnd) {
        if (type == Dense.class) {
            int in = 1 + rnd.nextInt(6);
            Dense d = RandomNetworks.denseLayer(rnd, in, 1 + rnd.nextInt(6));
            return new Instance(new Dense(in, d.outputSize(), f32(d.weights()), f32(d.bias())), List.of(Shape.flat(in)));
        }
        if (type == Conv2d.class) {
            Shape in = image(rnd);
            Window2d w = Conv2dPropertyTest.randomWindow(rnd, in.height(), in.width());
            Conv2d c = RandomNetworks.convLayer(rnd, in.channels(), 1 + rnd.nextInt(3), w);
            return new Instance(new Conv2d(c.inChannels(), c.outChannels(), w, f32(c.weights()), f32(c.bias())), List.of(in));
        }
        if (type == ConvTranspose2d.class) {
            Shape in = image(rnd);
            int outC = 1 + rnd.nextInt(3), k = 1 + rnd.nextInt(3), s = 1 + rnd.nextInt(2);
            int pad = rnd.nextInt(k), outPad = s > 1 ? rnd.nextInt(s) : 0;
            return new Instance(new ConvTranspose2d(in.channels(), outC, k, k, s, s, pad, pad, rnd.nextInt(k), pad, outPad, outPad,
                    f32(RandomNetworks.gaussian(rnd, in.channels() * outC * k * k, 0.7)), f32(RandomNetworks.gaussian(rnd, outC, 0.3))),
                    List.of(in));
        }
        if (type == Normalize.class) {
            Shape in = image(rnd);
            int c = rnd.nextBoolean() ? in.channels() : 1;
            return new Instance(new Normalize(f32(RandomNetworks.uniform(rnd, c, -1, 1)), f32(RandomNetworks.uniform(rnd, c, 0.2, 2))), List.of(in));
        }
        if (type == ElementwiseAffine.class) {
            Shape in = rnd.nextBoolean() ? image(rnd) : Shape.flat(1 + rnd.nextInt(6));
            int n = in.size();
            return new Instance(new ElementwiseAffine("BatchNormalization", f32(RandomNetworks.gaussian(rnd, n, 1)), f32(RandomNetworks.gaussian(rnd, n, 1)),
                    RandomNetworks.uniform(rnd, n, 0, 2), 1 + rnd.nextInt(4)), List.of(in));
        }
        if (type == Flatten.class) {
            return new Instance(new Flatten(rnd.nextBoolean() ? FlattenOrder.NCHW : FlattenOrder.NHWC), List.of(image(rnd)));
        }
        if (type == Reshape.class) {
            Shape in = image(rnd);
            return new Instance(new Reshape(rnd.nextBoolean() ? Shape.flat(in.size()) : Shape.chw(1, in.channels() * in.height(), in.width())),
                    List.of(in));
        }
        if (type == IndexSelect.class) {
            Shape in = image(rnd);
            int n = 1 + rnd.nextInt(10);
            int[] src = new int[n];
            for (int i = 0; i < n; i++) {
                src[i] = rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(in.size());
            }
            return new Instance(new IndexSelect("Gather", Shape.flat(n), src, rnd.nextGaussian()), List.of(in));
        }
        if (type == AveragePool.class) {
            Shape in = image(rnd);
            return new Instance(new AveragePool(MaxPoolPropertyTest.randomPoolWindow(rnd, in.height(), in.width()), rnd.nextBoolean()), List.of(in));
        }
        if (type == Add.class) {
            Shape in = rnd.nextBoolean() ? image(rnd) : Shape.flat(1 + rnd.nextInt(6));
            return new Instance(new Add(), List.of(in, in));
        }
        if (type == Concat.class) {
            Concat.Axis axis = Concat.Axis.values()[rnd.nextInt(4)];
            List<Shape> in = new ArrayList<>();
            int parts = 1 + rnd.nextInt(3);
            Shape first = image(rnd);
            for (int p = 0; p < parts; p++) {
                in.add(switch (axis) {
                    case FLAT -> Shape.flat(1 + rnd.nextInt(5));
                    case CHANNEL -> Shape.chw(1 + rnd.nextInt(2), first.height(), first.width());
                    case HEIGHT -> Shape.chw(first.channels(), 1 + rnd.nextInt(3), first.width());
                    case WIDTH -> Shape.chw(first.channels(), first.height(), 1 + rnd.nextInt(3));
                });
            }
            return new Instance(new Concat(axis), in);
        }
        if (type == Relu.class) {
            return new Instance(new Relu(), List.of(rnd.nextBoolean() ? image(rnd) : Shape.flat(1 + rnd.nextInt(8))));
        }
        if (type == MaxPool.class) {
            Shape in = image(rnd);
            return new Instance(new MaxPool(MaxPoolPropertyTest.randomPoolWindow(rnd, in.height(), in.width())), List.of(in));
        }
        if (type == AffineTransform.class) {
            int in = 1 + rnd.nextInt(6), out = 1 + rnd.nextInt(6);
            double[] w = f32(RandomNetworks.gaussian(rnd, in * out, 1));
            for (int i = 0; i < w.length; i++) {
                if (rnd.nextInt(3) == 0) {
                    w[i] = 0;
                }
            }
            return new Instance(new AffineTransform(AffineMap.fromDense(out, in, w, f32(RandomNetworks.gaussian(rnd, out, 0.5)))),
                    List.of(Shape.flat(in)));
        }
        throw new IllegalArgumentException("no generator for " + type.getName() + ": add one to RandomOperations");
    }

    /** The values rounded to float32. */
    static double[] f32(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }

    /** A {@link Random} whose Gaussian and uniform draws are float32 values. */
    private static final class Float32Random extends Random {
        private final Random r;

        Float32Random(Random r) {
            this.r = r;
        }

        @Override
        public double nextGaussian() {
            return (float) r.nextGaussian();
        }

        @Override
        public double nextDouble() {
            return (float) r.nextDouble();
        }

        @Override
        public int nextInt(int bound) {
            return r.nextInt(bound);
        }

        @Override
        public boolean nextBoolean() {
            return r.nextBoolean();
        }
    }

    private static Shape image(Random rnd) {
        return Shape.chw(1 + rnd.nextInt(2), 2 + rnd.nextInt(4), 2 + rnd.nextInt(4));
    }
}
