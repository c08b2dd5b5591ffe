package org.certus.cli;

import org.certus.api.Messages;
import org.certus.api.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.certus.data.DataException;

/**
 * Known answers to VNN-COMP instances, read from either VNN-COMP's {@code expected.csv} (columns
 * {@code benchmark,onnx,vnnlib,timeout,consensus,...}) or a bundled {@code onnx,vnnlib,expected} file.
 * Instances are matched by the file names of their network and property ({@code .gz} ignored), so that
 * {@code acasxu/onnx/N.onnx} in one file matches {@code onnx/N.onnx} in another; a name pair with
 * conflicting answers (two benchmarks sharing file names) has no answer.
 */
public final class VnncompExpected {
    private static final String CONFLICT = "?";
    private final Map<String, String> answers;

    private VnncompExpected(Map<String, String> answers) {
        this.answers = answers;
    }

    public static VnncompExpected read(Path file) {
        try (InputStream in = Files.newInputStream(InputFiles.requireRegular(file))) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DataException(file.toString(), "file not found");
        } catch (IOException e) {
            throw new DataException(file.toString(), "cannot read the file: " + e.getMessage());
        }
    }

    public static VnncompExpected read(InputStream in, String source) throws IOException {
        try {
            return parse(in, source);
        } catch (UncheckedIOException e) {
            // commons-csv reports syntax errors (a character after a closing quote, an unclosed quote) this way
            throw new DataException(source, "not a valid CSV file: " + Messages.oneLine(e.getCause().getMessage()), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // and a bad header (a duplicate or empty column name) this way
            throw new DataException(source, "bad header: " + Messages.oneLine(e.getMessage()), e);
        }
    }

    private static VnncompExpected parse(InputStream in, String source) throws IOException {
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get().parse(r);
        List<String> header = p.getHeaderNames();
        String answerColumn = header.contains("consensus") ? "consensus" : header.contains("expected") ? "expected" : null;
        if (!header.contains("onnx") || !header.contains("vnnlib") || answerColumn == null) {
            throw new DataException(source, "expected a header with onnx, vnnlib and consensus (or expected) columns, got " + header);
        }
        Map<String, String> answers = new HashMap<>();
        for (CSVRecord rec : p) {
            String answer = rec.get(answerColumn).toLowerCase(java.util.Locale.ROOT);
            if (!answer.equals(VnnlibResult.SAT) && !answer.equals(VnnlibResult.UNSAT)) {
                continue; // unknown: no tool answered
            }
            answers.merge(nameKey(rec.get("onnx"), rec.get("vnnlib")), answer, (a, b) -> a.equals(b) ? a : CONFLICT);
        }
        return new VnncompExpected(answers);
    }

    /** The known answer ({@code sat} or {@code unsat}) of an instance, if there is one. */
    public Optional<String> answer(String onnx, String vnnlib) {
        String a = answers.get(nameKey(onnx, vnnlib));
        return a == null || a.equals(CONFLICT) ? Optional.empty() : Optional.of(a);
    }

    /** Whether a result contradicts the known answer: sat for an unsat instance or the reverse. */
    public boolean isWrong(String onnx, String vnnlib, String result) {
        Optional<String> a = answer(onnx, vnnlib);
        return a.isPresent() && (result.equals(VnnlibResult.SAT) || result.equals(VnnlibResult.UNSAT)) && !a.get().equals(result);
    }

    private static String nameKey(String onnx, String vnnlib) {
        return fileName(onnx) + "\u0000" + fileName(vnnlib);
    }

    private static String fileName(String path) {
        String s = path.replace('\\', '/');
        s = s.substring(s.lastIndexOf('/') + 1);
        return s.endsWith(".gz") ? s.substring(0, s.length() - 3) : s;
    }
}
