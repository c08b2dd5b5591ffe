package org.certus.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.certus.data.DataException;

/**
 * How the library reads and writes the files of a run: every file read must be a regular file, and every result
 * file is written whole or not at all.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Refuses {@code path} if it exists and is not a regular file (a device never ends — {@code /dev/zero} was read
     * until the heap ran out —, a FIFO blocks until someone writes, a folder cannot be read at all); a missing file is
     * left to the reader to report.
     *
     * @param path the file about to be read
     * @return {@code path}
     * @throws DataException naming the path, if it is a folder, a device or a pipe
     */
    public static Path requireRegular(Path path) {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new DataException(path.toString(), "not a regular file (" + (Files.isDirectory(path) ? "a folder" : "a device or pipe")
                    + "); give a file");
        }
        return path;
    }

    /**
     * Writes {@code content} to a uniquely named temporary file beside {@code target} (so the rename stays on one
     * file system), forces it to disk and renames it over the target in one atomic step (a plain rename where the
     * file system has no atomic one), then forces the folder: a kill leaves the whole file or none (at worst a stray
     * {@code .tmp}, named {@code .<name>.<unique>.tmp}), and two writers of the same file (a retried Spark task)
     * leave one of their versions, whole. Not {@code Files.createTempFile}: its files are private (0600), and
     * results are meant to be shared.
     *
     * @param target  the file
     * @param content its bytes
     * @throws IOException naming the target when it cannot be written
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                    ByteBuffer buf = ByteBuffer.wrap(content);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // "No space left on device" alone does not say which file; the user must know what is missing.
            throw new IOException(target + ": cannot write: " + Messages.ioMessage(e), e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename itself durable (Linux); harmless where unsupported
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot open or sync a folder; the rename is still atomic
        }
    }

    /**
     * Whether {@code name} is one of {@link #writeAtomically}'s temporary files (debris of a killed writer, safe to
     * delete once no writer runs).
     *
     * @param name a file name
     * @return true for {@code .<name>.<unique>.tmp}
     */
    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(".tmp");
    }
}
