package org.certus.nn.io.mat;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.certus.nn.AveragePool;
import org.certus.nn.Conv2d;
import org.certus.nn.Dense;
import org.certus.nn.Flatten;
import org.certus.nn.FlattenOrder;
import org.certus.nn.InputDomain;
import org.certus.nn.Operation;
import org.certus.nn.MaxPool;
import org.certus.nn.Network;
import org.certus.nn.NetworkException;
import org.certus.nn.Normalize;
import org.certus.nn.Relu;
import org.certus.nn.Shape;
import org.certus.nn.Window2d;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/**
 * Imports a MIPVerify.jl network: weights from a MAT-file (Level 5, as written by
 * {@code scipy.io.savemat} for MIPVerify's example networks) plus a small JSON description of the
 * architecture, which the {@code .mat} file does not contain. Example:
 *
 * <pre>{@code
 * {"input": [28, 28, 1],
 *  "layers": [{"type": "conv2d", "name": "conv1", "stride": 2, "padding": "same"}, {"type": "relu"},
 *             {"type": "maxpool", "size": 2, "stride": 2}, {"type": "flatten"},
 *             {"type": "linear", "name": "fc1"}, {"type": "relu"}, {"type": "linear", "name": "logits"}]}
 * }</pre>
 *
 * <p>Top-level keys: {@code input} ({@code [height, width, channels]} in MIPVerify's NHWC order, or
 * {@code [n]} for a flat input), {@code layers}, optional {@code domain} ({@code [lo, hi]}, default
 * {@code [0, 1]}, the pixel range) and {@code name} (default: the JSON file name). Layer types:
 * <ul>
 *   <li>{@code conv2d}: {@code name}, optional {@code stride} (int or {@code [h, w]}, default 1) and
 *       {@code padding} ({@code "same"} = TensorFlow SAME, the default as in MIPVerify; {@code "valid"};
 *       an integer for every side; or {@code [top, bottom, left, right]}). Filter {@code <name>/weight}
 *       of dimensions (height, width, in, out), bias {@code <name>/bias} of {@code out} values.</li>
 *   <li>{@code linear}: {@code name}; weight {@code <name>/weight} of dimensions (in, out), bias
 *       {@code <name>/bias}. Needs a flat input (put a {@code flatten} before it).</li>
 *   <li>{@code relu}; {@code maxpool} / {@code avgpool}: {@code size} (int or {@code [h, w]}), optional
 *       {@code stride} (default: size) and {@code padding} (default {@code "valid"});</li>
 *   <li>{@code flatten}: optional {@code order}, {@code "nhwc"} (default: MIPVerify and TensorFlow
 *       flatten channel-last) or {@code "nchw"};</li>
 *   <li>{@code normalize}: {@code mean} and {@code std}, a number or one per channel.</li>
 * </ul>
 * Each JSON layer becomes exactly one IR layer, so layer indices in errors agree with the JSON.
 *
 * <p><b>Layouts.</b> MIPVerify stores images NHWC; Certus' IR stores them CHW. The imported network
 * takes <em>CHW</em> input: convolution filters are permuted from (h, w, in, out) to
 * {@code [out][in][h][w]}, linear weights transposed from (in, out) to {@code [out][in]}, and
 * {@code flatten} becomes {@code Flatten(NHWC)}, which emits the channel-last order MIPVerify's
 * linear weights expect. Convert an NHWC image with {@link #hwcToChw} before evaluating.
 *
 * <p>MAT-files drop trailing singleton dimensions beyond the second (a (3, 3, 1, 1) filter may be
 * stored as 3x3); they are restored here. Every error is a {@link NetworkException} naming the file
 * and, where relevant, the layer and MAT variable.
 */
public final class MipVerifyImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MipVerifyImporter() {
    }

    /** Reads the network whose weights are in {@code mat} and whose architecture is in {@code json}. */
    public static Network read(Path mat, Path json) {
        JsonNode root = readJson(json);
        Map<String, Matrix> vars = new LinkedHashMap<>();
        if (!Files.isRegularFile(mat)) {
            throw new NetworkException("MAT file not found: " + mat);
        }
        Mat5File opened;
        try {
            opened = Mat5.readFromFile(mat.toFile());
        } catch (IOException | RuntimeException e) {
            // mfl-core signals a malformed file with IOException or IllegalArgumentException / IllegalStateException.
            throw new NetworkException("cannot read MAT file " + mat + " (expected a MAT-file Level 5): " + e.getMessage(), e);
        }
        // Matrices may be views of the file's buffers, so the network is built before closing it.
        try (Mat5File file = opened) {
            for (MatFile.Entry e : file.getEntries()) {
                if (e.getValue() instanceof Matrix m) {
                    vars.put(e.getName(), m);
                }
            }
            return new Builder(mat, json, vars).build(root);
        } catch (IOException e) {
            throw new NetworkException("cannot close MAT file " + mat + ": " + e.getMessage(), e);
        }
    }

    /**
     * Converts an image from MIPVerify's HWC order (index {@code (y * width + x) * channels + c}) to
     * the CHW order the imported network takes (index {@code (c * height + y) * width + x}).
     */
    public static double[] hwcToChw(double[] hwc, int height, int width, int channels) {
        if (hwc.length != height * width * channels) {
            throw new NetworkException("image has " + hwc.length + " values, expected " + height + "x" + width + "x" + channels);
        }
        double[] chw = new double[hwc.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    chw[(c * height + y) * width + x] = hwc[(y * width + x) * channels + c];
                }
            }
        }
        return chw;
    }

    private static JsonNode readJson(Path json) {
        if (!Files.isRegularFile(json)) {
            throw new NetworkException("architecture JSON file not found: " + json);
        }
        try {
            JsonNode root = JSON.readTree(json.toFile());
            if (root == null || !root.isObject()) {
                throw new NetworkException(json + ": the architecture must be a JSON object with \"input\" and \"layers\"");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new NetworkException(json + where + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new NetworkException("cannot read " + json + ": " + e.getMessage(), e);
        }
    }

    /** Turns the JSON layers into IR layers, tracking the current (CHW) shape. */
    private static final class Builder {
        private final Path mat;
        private final Path json;
        private final Map<String, Matrix> vars;
        private String where = "";

        Builder(Path mat, Path json, Map<String, Matrix> vars) {
            this.mat = mat;
            this.json = json;
            this.vars = vars;
        }

        NetworkException error(String message) {
            return new NetworkException(json + where + ": " + message);
        }

        Network build(JsonNode root) {
            requireKeys(root, Set.of("input", "layers"), Set.of("domain", "name"));
            int[] input = intArray(root.get("input"), "input");
            Shape shape;
            if (input.length == 3) {
                shape = Shape.chw(input[2], input[0], input[1]);
            } else if (input.length == 1) {
                shape = Shape.flat(input[0]);
            } else {
                throw error("\"input\" must be [height, width, channels] or [size], got " + root.get("input"));
            }
            double lo = 0, hi = 1;
            if (root.has("domain")) {
                double[] d = doubles(root.get("domain"), "domain");
                if (d.length != 2 || !(d[0] <= d[1])) {
                    throw error("\"domain\" must be [lo, hi] with lo <= hi, got " + root.get("domain"));
                }
                lo = d[0];
                hi = d[1];
            }
            JsonNode layersNode = root.get("layers");
            if (!layersNode.isArray() || layersNode.isEmpty()) {
                throw error("\"layers\" must be a non-empty array");
            }
            List<Operation> layers = new ArrayList<>();
            Shape cur = shape;
            for (int i = 0; i < layersNode.size(); i++) {
                JsonNode node = layersNode.get(i);
                where = ": layer " + i;
                if (!node.isObject() || !node.path("type").isTextual()) {
                    throw error("each layer must be an object with a \"type\"");
                }
                String type = node.get("type").asText();
                where = ": layer " + i + " (" + type + (node.has("name") ? " '" + node.get("name").asText() + "'" : "") + ")";
                Operation layer;
                try {
                    layer = layer(type, node, cur);
                    cur = layer.outputShape(cur);
                } catch (NetworkException e) {
                    if (e.getMessage().startsWith(json.toString()) || e.getMessage().startsWith(mat.toString())) {
                        throw e;
                    }
                    throw error(e.getMessage());
                }
                layers.add(layer);
            }
            where = "";
            String name = root.has("name") ? root.get("name").asText() : json.getFileName().toString().replaceFirst("\\.json$", "");
            return new Network(name, shape, InputDomain.uniform(shape.size(), lo, hi), layers);
        }

        Operation layer(String type, JsonNode node, Shape cur) {
            switch (type) {
                case "relu" -> {
                    requireKeys(node, Set.of("type"), Set.of());
                    return new Relu();
                }
                case "flatten" -> {
                    requireKeys(node, Set.of("type"), Set.of("order"));
                    String order = node.path("order").asText("nhwc");
                    return switch (order) {
                        case "nhwc" -> new Flatten(FlattenOrder.NHWC);
                        case "nchw" -> new Flatten(FlattenOrder.NCHW);
                        default -> throw error("flatten order must be \"nhwc\" or \"nchw\", got \"" + order + "\"");
                    };
                }
                case "normalize" -> {
                    requireKeys(node, Set.of("type", "mean", "std"), Set.of());
                    return new Normalize(doubles(node.get("mean"), "mean"), doubles(node.get("std"), "std"));
                }
                case "linear" -> {
                    requireKeys(node, Set.of("type", "name"), Set.of());
                    return linear(node.get("name").asText(), cur);
                }
                case "conv2d" -> {
                    requireKeys(node, Set.of("type", "name"), Set.of("stride", "padding"));
                    return conv(node, cur);
                }
                case "maxpool", "avgpool" -> {
                    requireKeys(node, Set.of("type", "size"), Set.of("stride", "padding"));
                    requireImage(cur, type);
                    int[] size = pair(node.get("size"), "size");
                    int[] stride = node.has("stride") ? pair(node.get("stride"), "stride") : size;
                    Window2d w = window(node.get("padding"), "valid", cur, size[0], size[1], stride[0], stride[1]);
                    return type.equals("maxpool") ? new MaxPool(w) : new AveragePool(w, false);
                }
                default -> throw error("unknown layer type \"" + type
                        + "\" (known: conv2d, linear, relu, maxpool, avgpool, flatten, normalize)");
            }
        }

        Dense linear(String name, Shape cur) {
            if (!cur.isFlat()) {
                throw error("a linear layer needs a flat input, got " + cur + "; add a flatten layer before it");
            }
            Matrix w = variable(name + "/weight");
            int[] d = w.getDimensions();
            if (d.length != 2 || d[0] != cur.size()) {
                throw error("'" + name + "/weight' has dimensions " + dims(d) + ", expected (in = " + cur.size() + ", out)");
            }
            int in = d[0], out = d[1];
            double[] weights = new double[in * out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    weights[o * in + i] = w.getDouble(i + in * o); // column-major (in, out) -> [out][in]
                }
            }
            requireFinite(weights, name + "/weight");
            return new Dense(in, out, weights, bias(name, out));
        }

        Conv2d conv(JsonNode node, Shape cur) {
            String name = node.get("name").asText();
            requireImage(cur, "conv2d");
            Matrix w = variable(name + "/weight");
            int[] d = w.getDimensions();
            int[] full = {1, 1, 1, 1};
            if (d.length > 4) {
                throw error("'" + name + "/weight' has dimensions " + dims(d) + ", expected (height, width, in = " + cur.channels() + ", out)");
            }
            System.arraycopy(d, 0, full, 0, d.length); // restore trailing singletons MAT-files drop
            int kH = full[0], kW = full[1], in = full[2], out = full[3];
            if (in != cur.channels()) {
                throw error("'" + name + "/weight' has dimensions " + dims(d) + ", expected (height, width, in = " + cur.channels() + ", out)");
            }
            double[] weights = new double[out * in * kH * kW];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int y = 0; y < kH; y++) {
                        for (int x = 0; x < kW; x++) {
                            // column-major (h, w, in, out) -> [out][in][h][w]
                            weights[((o * in + i) * kH + y) * kW + x] = w.getDouble(y + kH * (x + kW * (i + in * o)));
                        }
                    }
                }
            }
            requireFinite(weights, name + "/weight");
            int[] stride = node.has("stride") ? pair(node.get("stride"), "stride") : new int[] {1, 1};
            Window2d win = window(node.get("padding"), "same", cur, kH, kW, stride[0], stride[1]);
            return new Conv2d(in, out, win, weights, bias(name, out));
        }

        double[] bias(String name, int out) {
            Matrix b = variable(name + "/bias");
            int[] d = b.getDimensions();
            int nonSingleton = 0;
            for (int x : d) {
                nonSingleton += x != 1 ? 1 : 0;
            }
            if (b.getNumElements() != out || nonSingleton > 1) {
                throw error("'" + name + "/bias' has dimensions " + dims(d) + ", expected a vector of " + out + " values");
            }
            double[] v = new double[out];
            for (int i = 0; i < out; i++) {
                v[i] = b.getDouble(i);
            }
            requireFinite(v, name + "/bias");
            return v;
        }

        Matrix variable(String key) {
            Matrix m = vars.get(key);
            if (m == null) {
                throw new NetworkException(mat + ": no variable '" + key + "' (needed by" + where.substring(1) + " of " + json.getFileName()
                        + "); variables present: " + new TreeSet<>(vars.keySet()));
            }
            if (m.isComplex()) {
                throw error("'" + key + "' is complex; weights must be real");
            }
            return m;
        }

        Window2d window(JsonNode padding, String dflt, Shape cur, int kH, int kW, int sH, int sW) {
            if (padding == null || padding.isTextual()) {
                String p = padding == null ? dflt : padding.asText();
                return switch (p) {
                    case "same" -> Window2d.same(cur.height(), cur.width(), kH, kW, sH, sW);
                    case "valid" -> Window2d.valid(kH, kW, sH, sW);
                    default -> throw error("padding must be \"same\", \"valid\", an integer or [top, bottom, left, right], got \"" + p + "\"");
                };
            }
            int[] p = intArray(padding, "padding");
            if (p.length == 1) {
                return new Window2d(kH, kW, sH, sW, p[0], p[0], p[0], p[0]);
            }
            if (p.length == 4) {
                return new Window2d(kH, kW, sH, sW, p[0], p[1], p[2], p[3]);
            }
            throw error("padding must be \"same\", \"valid\", an integer or [top, bottom, left, right], got " + padding);
        }

        void requireImage(Shape cur, String type) {
            if (!cur.isImage()) {
                throw error(type + " needs an image input, got the flat " + cur);
            }
        }

        void requireFinite(double[] v, String key) {
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw error("'" + key + "' has a non-finite value (" + v[i] + ") at element " + i);
                }
            }
        }

        void requireKeys(JsonNode node, Set<String> required, Set<String> optional) {
            for (String k : required) {
                if (!node.has(k)) {
                    throw error("missing \"" + k + "\"");
                }
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!required.contains(k) && !optional.contains(k)) {
                    // A misspelt key would otherwise silently fall back to a default (e.g. stride 1).
                    throw error("unknown key \"" + k + "\"");
                }
            }
        }

        /** An int, or [a, b]; returned as a pair. */
        int[] pair(JsonNode node, String what) {
            int[] v = intArray(node, what);
            if (v.length == 1) {
                return new int[] {v[0], v[0]};
            }
            if (v.length == 2) {
                return v;
            }
            throw error("\"" + what + "\" must be an integer or [h, w], got " + node);
        }

        int[] intArray(JsonNode node, String what) {
            List<JsonNode> items = items(node);
            int[] v = new int[items.size()];
            for (int i = 0; i < v.length; i++) {
                if (!items.get(i).canConvertToInt() || !items.get(i).isIntegralNumber()) {
                    throw error("\"" + what + "\" must hold integers, got " + node);
                }
                v[i] = items.get(i).intValue();
            }
            return v;
        }

        double[] doubles(JsonNode node, String what) {
            List<JsonNode> items = items(node);
            double[] v = new double[items.size()];
            for (int i = 0; i < v.length; i++) {
                if (!items.get(i).isNumber()) {
                    throw error("\"" + what + "\" must hold numbers, got " + node);
                }
                v[i] = items.get(i).doubleValue();
            }
            return v;
        }

        private List<JsonNode> items(JsonNode node) {
            List<JsonNode> items = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(items::add);
            } else {
                items.add(node);
            }
            return items;
        }
    }

    private static String dims(int[] d) {
        return Arrays.toString(d).replace(", ", "x");
    }
}
