package org.certus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PyTorch reference outputs of the bundled networks were computed on the canonical MNIST test
 * set. Their labels and accuracies only come out right if our reader returns the images and labels
 * in the same order, so this ties the dataset to the golden values the importer tests use.
 */
class ReferenceOutputsAgreementTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mnist_wk17a_linf0.1_authors, 9811", "mnist_rsl18a_linf0.1_authors, 9582"})
    void referenceOutputsMatchTheBundledLabels(String network, int correctPredictions) throws IOException {
        Dataset mnist = Datasets.load("mnist");

        List<String> predictions = lines("/reference_outputs/" + network + "_predictions_10000.txt");
        assertEquals(mnist.size(), predictions.size());
        int correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            if (Integer.parseInt(predictions.get(i)) == mnist.label(i)) {
                correct++;
            }
        }
        assertEquals(correctPredictions, correct, "clean accuracy documented in networks/SOURCES.md");

        List<String> logits = lines("/reference_outputs/" + network + "_logits_first100.csv");
        assertEquals("index,label", logits.get(0).substring(0, "index,label".length()));
        for (String row : logits.subList(1, logits.size())) {
            String[] fields = row.split(",");
            int index = Integer.parseInt(fields[0]);
            assertEquals(mnist.label(index), Integer.parseInt(fields[1]), "label of image " + index);
        }
        assertEquals(101, logits.size());
    }

    /** Non-blank lines that are not '#' comments. */
    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = ReferenceOutputsAgreementTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing resource " + resource);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        }
    }
}
