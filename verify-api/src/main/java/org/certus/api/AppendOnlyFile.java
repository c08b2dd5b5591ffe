package org.certus.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.certus.data.DataException;

/**
 * A results file that only ever grows by whole lines, each one write forced to disk, so that a kill at
 * any moment leaves complete lines plus at most one partial last line. Opening reads the file through
 * the same channel that later appends (closing a second descriptor of the file would drop an OS lock
 * taken on it); the caller parses {@link #completeText()} first and calls {@link #cutPartialLastLine()}
 * only when it accepts the file, so that a file refused for any reason stays exactly as it was.
 */
public final class AppendOnlyFile implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final byte[] partial;
    private final String complete;
    private long end;

    private AppendOnlyFile(Path file, FileChannel channel, String complete, byte[] partial, long end) {
        this.file = file;
        this.channel = channel;
        this.complete = complete;
        this.partial = partial;
        this.end = end;
    }

    /**
     * Opens (creating it and its folder if needed) and reads the file. With {@code lockedBy} non-null, first
     * takes an exclusive OS lock on it and refuses, naming {@code lockedBy} (the kind of run that writes such
     * files), when another process — or another run in this JVM — holds it.
     *
     * @param file     the file
     * @param lockedBy the kind of run that writes such files, or null for no lock
     * @return the file, open
     * @throws DataException naming the file, if it is not a regular file, cannot be opened or read, or is locked
     */
    public static AppendOnlyFile open(Path file, String lockedBy) {
        String name = InputFiles.requireRegular(file).toString();
        FileChannel ch;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DataException(name, "cannot open for appending: " + Messages.ioMessage(e), e);
        }
        try {
            if (lockedBy != null && !tryLock(ch)) {
                throw new DataException(name, "another " + lockedBy + " run is writing to this file (it holds the file's lock);"
                        + " wait for it or choose another file");
            }
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataException(name, "too large for a results file (" + size + " bytes)");
            }
            byte[] bytes = new byte[(int) size];
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
                // read(ByteBuffer, position) does not advance the channel; the buffer's position does the bookkeeping
            }
            int cut = bytes.length;
            while (cut > 0 && bytes[cut - 1] != '\n') {
                cut--;
            }
            return new AppendOnlyFile(file, ch, new String(bytes, 0, cut, StandardCharsets.UTF_8),
                    Arrays.copyOfRange(bytes, cut, bytes.length), bytes.length);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new DataException(name, "cannot read: " + Messages.ioMessage(e), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static boolean tryLock(FileChannel ch) throws IOException {
        try {
            // Released when the channel closes.
            return ch.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false; // held by another run in this JVM
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // The failure being reported is the one that matters.
        }
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * The file's text up to and including its last newline.
     *
     * @return the complete lines
     */
    public String completeText() {
        return complete;
    }

    /**
     * The bytes after the last newline (a line cut short by a kill).
     *
     * @return those bytes, empty when there are none
     */
    public byte[] partialLastLine() {
        return partial.clone();
    }

    /** Removes the partial last line, if any, durably. */
    public void cutPartialLastLine() {
        if (partial.length == 0) {
            return;
        }
        try {
            end -= partial.length;
            channel.truncate(end);
            channel.force(true);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot remove the partial last line: " + Messages.ioMessage(e), e);
        }
    }

    /**
     * Appends {@code line} (which ends with a newline) at the end with one write, then forces it to disk:
     * when this returns the line survives a kill or a power cut.
     *
     * @param line a whole line, with its newline
     */
    public void append(String line) {
        ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        try {
            // A local file takes the whole line in one write; the loop only guards against a short write,
            // which the partial-line repair on the next open would still handle.
            while (buf.hasRemaining()) {
                end += channel.write(buf, end);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot append a row: " + Messages.ioMessage(e), e);
        }
    }

    /** Closes the file, releasing its lock (every line was forced to disk as it was written). */
    @Override
    public void close() {
        // Every line was forced to disk as it was written; closing also releases the lock.
        closeQuietly(channel);
    }
}
