package org.certus.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes {@code examples/sample-<i>.json} and {@code examples/sample-<i>.png} for an adversarial example. Each file
 * is written atomically ({@link InputFiles#writeAtomically}), so a kill leaves either the whole file or none (at
 * worst a stray {@code .tmp}); a Spark task retried on another executor writes the same files again, whole.
 */
final class ExampleFiles {
    static final String FOLDER = "examples";
    /** Each pixel becomes a SCALE×SCALE block: MNIST's 28×28 is too small to look at. */
    static final int SCALE = 4;
    /** Gap in (scaled) pixels between the three panels. */
    static final int GAP = 4;
    /** Caption font pixels are CAPTION_SCALE×CAPTION_SCALE; the strip below the panels is that font's height plus GAP above and below. */
    static final int CAPTION_SCALE = 3;
    static final int CAPTION_HEIGHT = PixelFont.HEIGHT * CAPTION_SCALE + 2 * GAP;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path folder;

    ExampleFiles(Path out) {
        this.folder = out.resolve(FOLDER);
    }

    /**
     * What is known about one adversarial example; {@code original} and {@code adversarial} are CHW
     * in [0, 1]-ish. {@code eps} is null when the question has none (blurring, closest over the
     * whole domain); {@code extra} entries (precision checks, warnings, the blur kernel) are
     * appended to the JSON in order.
     */
    record Example(int sample, int label, int cleanPrediction, int adversarialPrediction, double linfDistance, double margin,
            int channels, int height, int width, double[] original, double[] adversarial, double[] cleanLogits,
            double[] adversarialLogits, String network, String dataset, Double eps, Map<String, Object> extra) {
    }

    Path jsonFile(int sample) {
        return folder.resolve("sample-" + sample + ".json");
    }

    Path pngFile(int sample) {
        return folder.resolve("sample-" + sample + ".png");
    }

    void write(Example e) throws IOException {
        Files.createDirectories(folder);
        double[] perturbation = new double[e.adversarial().length];
        for (int i = 0; i < perturbation.length; i++) {
            perturbation[i] = e.adversarial()[i] - e.original()[i];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sample", e.sample());
        m.put("network", e.network());
        m.put("dataset", e.dataset());
        m.put("eps", e.eps());
        m.put("label", e.label());
        m.put("clean_prediction", e.cleanPrediction());
        m.put("adversarial_prediction", e.adversarialPrediction());
        m.put("linf_distance", e.linfDistance());
        double l1 = 0;
        for (double d : perturbation) {
            l1 += Math.abs(d);
        }
        m.put("l1_distance", l1);
        double l2 = 0;
        for (double d : perturbation) {
            l2 += d * d;
        }
        m.put("l2_distance", Math.sqrt(l2));
        m.put("margin", e.margin());
        m.put("shape", new int[] {e.channels(), e.height(), e.width()});
        m.put("input", e.adversarial());
        m.put("perturbation", perturbation);
        m.put("clean_logits", e.cleanLogits());
        m.put("adversarial_logits", e.adversarialLogits());
        m.putAll(e.extra());
        InputFiles.writeAtomically(jsonFile(e.sample()), JSON.writeValueAsBytes(m));

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(picture(e, perturbation), "png", png)) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        InputFiles.writeAtomically(pngFile(e.sample()), png.toByteArray());
    }

    /**
     * original | adversarial | difference, captioned below with which label became which ({@link #caption});
     * the difference is scaled so its largest magnitude is full scale, mid-gray = 0.
     */
    static BufferedImage picture(Example e, double[] diff) {
        int c = e.channels(), h = e.height(), w = e.width();
        double maxAbs = 0;
        for (double d : diff) {
            maxAbs = Math.max(maxAbs, Math.abs(d));
        }
        int panel = w * SCALE;
        BufferedImage img = new BufferedImage(3 * panel + 2 * GAP, h * SCALE + CAPTION_HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0xFFFFFF);
            }
        }
        for (int p = 0; p < 3; p++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] rgb = new int[3];
                    for (int k = 0; k < 3; k++) {
                        int ch = c == 1 ? 0 : Math.min(k, c - 1);
                        int idx = ch * h * w + y * w + x;
                        double v = switch (p) {
                            case 0 -> e.original()[idx];
                            case 1 -> e.adversarial()[idx];
                            default -> maxAbs == 0 ? 0.5 : 0.5 + 0.5 * diff[idx] / maxAbs;
                        };
                        rgb[k] = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                    }
                    int color = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                    int x0 = p * (panel + GAP) + x * SCALE;
                    for (int dy = 0; dy < SCALE; dy++) {
                        for (int dx = 0; dx < SCALE; dx++) {
                            img.setRGB(x0 + dx, y * SCALE + dy, color);
                        }
                    }
                }
            }
        }
        String caption = caption(e);
        int x = Math.max(0, (img.getWidth() - PixelFont.width(caption, CAPTION_SCALE)) / 2);
        PixelFont.draw(img, caption, x, h * SCALE + GAP, CAPTION_SCALE, 0x000000);
        return img;
    }

    /** The picture's caption: the sample's label and the class the adversarial input gets, e.g. {@code LABEL 7 -> 3}. */
    static String caption(Example e) {
        return "LABEL " + e.label() + " -> " + e.adversarialPrediction();
    }
}
