package org.certus.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.certus.data.DataException;
import org.certus.data.Dataset;
import org.certus.data.Datasets;
import org.certus.nn.InputDomain;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Shape;
import org.certus.nn.io.NetworkLoader;
import org.certus.spec.SpecException;
import org.certus.spec.VnnlibParser;
import org.certus.spec.VnnlibProperty;

/**
 * Where the library's inputs come from: networks (a bundled name or a {@code .onnx}, {@code .onnx.gz}, {@code .nnet} or
 * {@code .mat} file), datasets (bundled MNIST and CIFAR-10) and VNN-LIB properties. Bad input raises the owning
 * module's exception ({@link NetworkException}, {@link DataException}, {@link SpecException}) with what and where.
 */
public final class Load {
    private Load() {
    }

    /**
     * A network by bundled name or file.
     *
     * @param nameOrPath e.g. {@code mnist-wk17a}, {@code acasxu-1-1} or a path
     * @return the network
     * @throws NetworkException if it cannot be found or read
     */
    public static Network network(String nameOrPath) {
        return NetworkLoader.load(nameOrPath);
    }

    /**
     * A network of a VNN-COMP instance: as {@link #network(String)}, but a missing {@code .onnx} falls back to its
     * {@code .onnx.gz} and back (VNN-COMP folders ship either while their instance lists name one), and a path must
     * be a regular file.
     *
     * @param nameOrPath a bundled name or a path
     * @return the network
     * @throws NetworkException if it cannot be found or read
     */
    public static Network instanceNetwork(String nameOrPath) {
        Path p;
        try {
            p = Path.of(nameOrPath);
        } catch (InvalidPathException e) {
            return NetworkLoader.load(nameOrPath); // reports the bad path
        }
        Path file = withGzFallback(p);
        return NetworkLoader.load(Files.exists(file) ? InputFiles.requireRegular(file).toString() : nameOrPath);
    }

    /**
     * A VNN-LIB property for a network's sizes ({@code .vnnlib} or {@code .vnnlib.gz}, either standing in for the other).
     *
     * @param vnnlib the file
     * @param net    the network it is about
     * @return the property
     * @throws SpecException with line:column for malformed text, or naming a missing file
     */
    public static VnnlibProperty property(Path vnnlib, Network net) {
        Path p = withGzFallback(vnnlib);
        try {
            return VnnlibParser.parse(p, net.inputSize(), net.outputSize());
        } catch (NoSuchFileException e) {
            throw new SpecException(p + ": file not found");
        } catch (IOException e) {
            throw new SpecException(p + ": cannot read the file: " + e.getMessage());
        }
    }

    /** The path, or its {@code .gz} twin (or the file it was compressed from) when only that exists. */
    static Path withGzFallback(Path p) {
        if (Files.exists(p)) {
            return p;
        }
        String s = p.toString();
        Path alt = s.endsWith(".gz") ? Path.of(s.substring(0, s.length() - 3)) : Path.of(s + ".gz");
        return Files.exists(alt) ? alt : p;
    }

    /**
     * A bundled dataset.
     *
     * @param name {@code mnist} or {@code cifar10}
     * @return the dataset
     * @throws DataException for an unknown name
     */
    public static Dataset dataset(String name) {
        return Datasets.load(name);
    }

    /**
     * A network for questions about a dataset's samples: with {@code domain} as its input domain when given,
     * otherwise its own domain intersected with the dataset's pixel range (a flat ONNX network knows no range, but
     * its inputs are still pixels). Checks that it takes the dataset's images and has one output per class.
     *
     * @param net      the network as loaded
     * @param data     the dataset
     * @param domain   the inputs' range, or null for the dataset's pixel range
     * @param warnings told (one line) when the domain stays unbounded: a region is then not clipped to any range
     * @return the network, with the domain its questions use
     * @throws NetworkException if it does not fit the dataset
     */
    public static Network forDataset(Network net, Dataset data, InputDomain domain, Consumer<String> warnings) {
        InputDomain d = domain;
        if (d == null) {
            double[] lo = net.inputDomain().lower();
            double[] hi = net.inputDomain().upper();
            for (int i = 0; i < lo.length; i++) {
                lo[i] = Math.max(lo[i], data.pixelMin());
                hi[i] = Math.min(hi[i], data.pixelMax());
                if (lo[i] > hi[i]) {
                    throw new IllegalArgumentException("network '" + net.name() + "': its input " + i + " ranges over ["
                            + net.inputDomain().lower(i) + ", " + net.inputDomain().upper(i) + "], outside dataset '" + data.name()
                            + "''s pixel range [" + data.pixelMin() + ", " + data.pixelMax() + "]; give the range with --input-range");
                }
            }
            d = new InputDomain(lo, hi);
        }
        int unbounded = 0;
        for (int i = 0; i < d.size(); i++) {
            unbounded += Double.isInfinite(d.lower(i)) || Double.isInfinite(d.upper(i)) ? 1 : 0;
        }
        if (unbounded > 0) {
            warnings.accept(unbounded + " of the " + d.size() + " inputs of network '" + net.name()
                    + "' are unbounded: regions are not clipped to any range (give --input-range LO:HI)");
        }
        Network fitted = net.withNameAndDomain(net.name(), d);
        checkCompatible(fitted, data);
        return fitted;
    }

    /**
     * An image network must take exactly the dataset's C×H×W; a flat network is accepted when its size matches,
     * since the dataset's images are flat CHW arrays anyway (MLPs such as a flat-784 MNIST network read them in that
     * order).
     *
     * @param net  the network
     * @param data the dataset
     * @throws NetworkException if the network does not take the dataset's images or has not one output per class
     */
    public static void checkCompatible(Network net, Dataset data) {
        Shape in = net.inputShape();
        Shape images = Shape.chw(data.channels(), data.height(), data.width());
        boolean fits = in.isFlat() ? in.size() == images.size() : in.equals(images);
        if (!fits) {
            throw new NetworkException("network '" + net.name() + "' takes input " + in + " but dataset '" + data.name()
                    + "' has images " + images);
        }
        if (net.outputSize() != data.classCount()) {
            throw new NetworkException("network '" + net.name() + "' has " + net.outputSize() + " outputs but dataset '"
                    + data.name() + "' has " + data.classCount() + " classes");
        }
    }
}
