package org.certus.api;

import java.util.Locale;

/** MIPVerify's three questions about a region: is it unsafe, how close is the nearest unsafe point, how unsafe can it get. */
public enum Objective {
    /** Is there an adversarial example in the region? */
    FEASIBLE,
    /** Proven bounds on the minimum distortion of an adversarial example. */
    CLOSEST,
    /** Proven bounds on the largest adversarial margin over the region. */
    WORST;

    /**
     * The objective's word on the command line and in {@code summary.csv}.
     *
     * @return feasible, closest or worst
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The objective of a word.
     *
     * @param word feasible, closest or worst ({@code feasibility} is read as feasible)
     * @return the objective
     * @throws IllegalArgumentException naming the word, for any other
     */
    public static Objective parse(String word) {
        return switch (word) {
            case "feasible", "feasibility" -> FEASIBLE;
            case "closest" -> CLOSEST;
            case "worst" -> WORST;
            default -> throw new IllegalArgumentException("--objective " + word + " is unknown; use feasible, closest or worst");
        };
    }
}
