package org.certus.api;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * A 3×5 bitmap font for the captions of example pictures ("LABEL 7 -> 3"): digits, the letters of
 * LABEL, '-', '>' and space. Drawn pixel by pixel rather than with AWT fonts, which a headless
 * server may not have installed.
 */
final class PixelFont {
    static final int WIDTH = 3;
    static final int HEIGHT = 5;

    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('0', new String[] {"###", "#.#", "#.#", "#.#", "###"}),
            Map.entry('1', new String[] {".#.", "##.", ".#.", ".#.", "###"}),
            Map.entry('2', new String[] {"###", "..#", "###", "#..", "###"}),
            Map.entry('3', new String[] {"###", "..#", "###", "..#", "###"}),
            Map.entry('4', new String[] {"#.#", "#.#", "###", "..#", "..#"}),
            Map.entry('5', new String[] {"###", "#..", "###", "..#", "###"}),
            Map.entry('6', new String[] {"###", "#..", "###", "#.#", "###"}),
            Map.entry('7', new String[] {"###", "..#", "..#", "..#", "..#"}),
            Map.entry('8', new String[] {"###", "#.#", "###", "#.#", "###"}),
            Map.entry('9', new String[] {"###", "#.#", "###", "..#", "###"}),
            Map.entry('L', new String[] {"#..", "#..", "#..", "#..", "###"}),
            Map.entry('A', new String[] {".#.", "#.#", "###", "#.#", "#.#"}),
            Map.entry('B', new String[] {"##.", "#.#", "##.", "#.#", "##."}),
            Map.entry('E', new String[] {"###", "#..", "##.", "#..", "###"}),
            Map.entry('-', new String[] {"...", "...", "###", "...", "..."}),
            Map.entry('>', new String[] {"#..", ".#.", "..#", ".#.", "#.."}),
            Map.entry(' ', new String[] {"...", "...", "...", "...", "..."}));

    private PixelFont() {
    }

    /** Width in pixels of {@code text} drawn at {@code scale}: each glyph and a one-pixel gap after all but the last. */
    static int width(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * (WIDTH + 1) - 1) * scale;
    }

    /** Whether every character of {@code text} has a glyph. */
    static boolean canDraw(String text) {
        return text.chars().allMatch(c -> GLYPHS.containsKey((char) c));
    }

    /** Draws {@code text} with its top-left corner at (x, y), each font pixel a {@code scale}×{@code scale} block. */
    static void draw(BufferedImage img, String text, int x, int y, int scale, int rgb) {
        for (int k = 0; k < text.length(); k++) {
            String[] glyph = GLYPHS.get(text.charAt(k));
            if (glyph == null) {
                throw new IllegalArgumentException("no glyph for '" + text.charAt(k) + "' in \"" + text + "\"");
            }
            int gx = x + k * (WIDTH + 1) * scale;
            for (int row = 0; row < HEIGHT; row++) {
                for (int col = 0; col < WIDTH; col++) {
                    if (glyph[row].charAt(col) == '#') {
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) {
                                img.setRGB(gx + col * scale + dx, y + row * scale + dy, rgb);
                            }
                        }
                    }
                }
            }
        }
    }
}
