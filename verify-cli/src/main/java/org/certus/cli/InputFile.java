package org.certus.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.certus.data.DataException;

/**
 * The check every file the CLI reads goes through first: it must be a regular file. A device never ends
 * ({@code /dev/zero} was read until the heap ran out), a FIFO blocks until someone writes, a folder cannot be
 * read at all; each is refused with its path before it is opened.
 */
final class InputFile {
    private InputFile() {
    }

    /** Refuses {@code path} if it exists and is not a regular file; a missing file is left to the reader to report. */
    static Path requireRegular(Path path) {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new DataException(path.toString(), "not a regular file (" + (Files.isDirectory(path) ? "a folder" : "a device or pipe")
                    + "); give a file");
        }
        return path;
    }
}
