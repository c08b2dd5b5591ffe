package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.certus.bnb.SearchStart;
import org.certus.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The batch evaluation as a library call, as both front ends drive it: rows into a {@link RowStore}, example files of
 * vulnerable samples (JSON and a three-panel picture with its caption), the report, and the listener told of every
 * search and sample.
 */
class RobustnessEvaluationTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void samplesSevenAndEightWithTheirExampleAndListener() throws IOException {
        Dataset mnist = Load.dataset("mnist");
        List<String> events = new ArrayList<>();
        VerificationListener listener = new VerificationListener() {
            @Override
            public void started(SearchStart s) {
                events.add("search " + s.network());
            }

            @Override
            public void sampleFinished(RobustnessRow row, int done, int todo) {
                events.add("sample " + row.sample() + " " + row.status().label() + " " + done + "/" + todo);
            }
        };
        Verifier verifier = Verifier.create(Load.forDataset(Load.network("mnist-wk17a"), mnist, null, w -> { })).withListener(listener);
        RobustnessQuestion question = RobustnessQuestion.builder().eps(0.1).timeLimitSeconds(60).threads(1).build();
        RobustnessEvaluation evaluation = new RobustnessEvaluation(verifier, mnist, new SampleRange(7, 8), question, tmp);
        try (SummaryFile summary = SummaryFile.open(tmp, m -> { })) {
            evaluation.checkStore(summary, "summary", "choose another --out");
            List<Integer> todo = evaluation.todo(summary, Rerun.NEVER);
            assertEquals(List.of(7, 8), todo);
            evaluation.run(todo, summary);
            assertEquals(List.of(), evaluation.todo(summary, Rerun.NEVER), "resumable: nothing left");
            assertEquals(List.of(), evaluation.todo(summary, Rerun.TIMEOUTS), "no timeouts to solve again");
            assertEquals(List.of(7, 8), evaluation.todo(summary, Rerun.ALWAYS));
            RobustnessReport report = evaluation.report(summary);
            assertEquals(2, report.samples());
            assertEquals(1, report.count(RobustnessStatus.VULNERABLE), report::toString);
            evaluation.writeReport(report, evaluation.describe(), 1.0);
        }
        assertEquals(List.of("search mnist-wk17a", "sample 7 robust 1/2", "search mnist-wk17a", "sample 8 vulnerable 2/2"), events);
        List<RobustnessRow> rows = SummaryFile.readAll(tmp.resolve(SummaryFile.FILE_NAME));
        assertEquals(List.of("mnist-wk17a", "mnist", "0.1", "inf", "linf", "untargeted", "0.0", "feasible", "sound"), rows.get(0).question());
        RobustnessRow eight = rows.get(1);
        assertEquals(RobustnessStatus.VULNERABLE, eight.status());
        assertTrue(Files.readString(tmp.resolve(RobustnessEvaluation.REPORT)).contains("| vulnerable | 1 (50.00%) |"));

        JsonNode j = new ObjectMapper().readTree(tmp.resolve(ExampleFiles.FOLDER + "/sample-8.json").toFile());
        int advPred = j.get("adversarial_prediction").asInt();
        assertEquals(eight.label(), j.get("label").asInt());
        assertTrue(advPred != eight.label());
        assertEquals(eight.distortionUpper(), j.get("linf_distance").asDouble(), 0.0);
        assertTrue(eight.distortionUpper() <= 0.1 + ExampleCheck.BALL_TOLERANCE, eight.toString());
        BufferedImage img = ImageIO.read(tmp.resolve(ExampleFiles.FOLDER + "/sample-8.png").toFile());
        assertEquals(3 * 28 * ExampleFiles.SCALE + 2 * ExampleFiles.GAP, img.getWidth());
        assertEquals(28 * ExampleFiles.SCALE + ExampleFiles.CAPTION_HEIGHT, img.getHeight());
        assertEquals("LABEL " + eight.label() + " -> " + advPred, captionOf(img, 28 * ExampleFiles.SCALE));
        assertTrue(Files.notExists(tmp.resolve(ExampleFiles.FOLDER + "/sample-7.json")), "only vulnerable samples get examples");
    }

    /**
     * Reads the caption strip below the panels back: the "LABEL a -> b" (a, b among the classes) whose drawing it
     * equals pixel for pixel, or null. The true pair must match and, being unique, no other.
     */
    static String captionOf(BufferedImage img, int top) {
        String found = null;
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                String text = "LABEL " + a + " -> " + b;
                BufferedImage strip = new BufferedImage(img.getWidth(), ExampleFiles.CAPTION_HEIGHT, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < strip.getHeight(); y++) {
                    for (int x = 0; x < strip.getWidth(); x++) {
                        strip.setRGB(x, y, 0xFFFFFF);
                    }
                }
                int x0 = (img.getWidth() - PixelFont.width(text, ExampleFiles.CAPTION_SCALE)) / 2;
                PixelFont.draw(strip, text, x0, ExampleFiles.GAP, ExampleFiles.CAPTION_SCALE, 0x000000);
                boolean same = true;
                for (int y = 0; y < strip.getHeight() && same; y++) {
                    for (int x = 0; x < strip.getWidth() && same; x++) {
                        same = (strip.getRGB(x, y) & 0xFFFFFF) == (img.getRGB(x, top + y) & 0xFFFFFF);
                    }
                }
                if (same) {
                    assertNull(found, "two captions match the strip");
                    found = text;
                }
            }
        }
        return found;
    }

    @Test
    void rowsRoundTripThroughTheFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rt"));
        RobustnessRow row = new RobustnessRow(3, 0, 0, RobustnessStatus.VULNERABLE, Double.NaN, 0.1 + 1e-17 * 3, 1.25, 7,
                "net, with comma", "mnist", "0.1", "inf", "linf", "3;5", "0.0", "120.0", "closest", "fast", -0.25 + 1e-17, 1.0 / 3);
        try (SummaryFile s = SummaryFile.open(dir, m -> { })) {
            s.append(row);
        }
        RobustnessRow back = SummaryFile.readAll(dir.resolve(SummaryFile.FILE_NAME)).get(0);
        assertEquals(row.distortionUpper(), back.distortionUpper(), 0.0);
        assertEquals(row.marginLower(), back.marginLower(), 0.0);
        assertEquals(row.marginUpper(), back.marginUpper(), 0.0);
        assertArrayEquals(row.fields().toArray(), back.fields().toArray());
    }

    /** A write that fails (a full disk, a folder gone) names the file it was for, not a temporary sibling or nothing. */
    @Test
    void aFailedWriteNamesTheFileItWasFor() {
        Path target = tmp.resolve("gone/report.md");
        IOException e = assertThrows(IOException.class, () -> InputFiles.writeAtomically(target, new byte[] {1}));
        assertTrue(e.getMessage().startsWith(target + ": cannot write: "), e.getMessage());
    }
}
