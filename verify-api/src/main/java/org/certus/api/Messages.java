package org.certus.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Messages as the library and its front ends report them: one printable line each (a front end prints one
 * line per error), so that multi-line parser output or the bytes of a file never break a terminal or a log.
 */
public final class Messages {
    /** Longest excerpt of a file's line that a message quotes; the rest is cut with "...". */
    public static final int MAX_EXCERPT = 80;

    private Messages() {
    }

    /**
     * A message as one printable line: line breaks become spaces, other control characters (NUL, escape, ...) a
     * visible {@code \\uXXXX}.
     *
     * @param s the message, or null
     * @return the line ("" for null)
     */
    public static String oneLine(String s) {
        return s == null ? "" : escapeControls(s.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /**
     * A line of a file as a message may quote it: control characters escaped, cut at {@link #MAX_EXCERPT} characters.
     *
     * @param line the line
     * @return the excerpt
     */
    public static String excerpt(String line) {
        String cut = line.length() > MAX_EXCERPT ? line.substring(0, MAX_EXCERPT) : line;
        return escapeControls(cut) + (cut.length() < line.length() ? "..." : "");
    }

    /**
     * An I/O failure's reason without the file name, which the caller puts first ("No space left on device").
     *
     * @param e the failure
     * @return its reason, one line
     */
    public static String ioMessage(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return oneLine(f.getReason());
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    private static String escapeControls(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\t';
            if (control && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
