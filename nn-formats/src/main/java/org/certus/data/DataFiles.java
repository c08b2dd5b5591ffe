package org.certus.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a whole data file into memory, undoing gzip compression when the content is gzipped.
 *
 * <p>Compression is recognised by the gzip magic bytes, not by the file name: renamed or
 * hand-decompressed files are common with MNIST, and an IDX file can never start with 0x1f 0x8b
 * (its magic number starts with two zero bytes), so the test is unambiguous.
 */
final class DataFiles {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private DataFiles() {
    }

    /** The (decompressed) content of {@code file}. */
    static byte[] read(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new DataException(source, "is a directory, not a data file");
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(source, "file not found");
        } catch (IOException e) {
            throw new DataException(source, "cannot be read: " + e, e);
        }
        return gunzipIfCompressed(raw, source);
    }

    /** The (decompressed) content of {@code in}, which is read to its end but not closed. */
    static byte[] read(InputStream in, String source) {
        byte[] raw;
        try {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(source, "cannot be read: " + e, e);
        }
        return gunzipIfCompressed(raw, source);
    }

    static byte[] gunzipIfCompressed(byte[] raw, String source) {
        if (raw.length < 2 || (raw[0] & 0xff) != GZIP_MAGIC_0 || (raw[1] & 0xff) != GZIP_MAGIC_1) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DataException(source, "truncated gzip data (the compressed stream ends early)", e);
        } catch (ZipException e) {
            throw new DataException(source, "corrupt gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(source, "cannot be decompressed: " + e, e);
        }
    }
}
