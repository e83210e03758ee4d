package dev.originality.diffusion.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading small text files (JSON configs, tokenizer files) with a size bound checked before any
 * allocation: a parsed JSON tree costs many times its text, so a bounded file keeps every reader
 * within a fixed memory budget whatever a file claims or holds.
 */
public final class BoundedFiles {
    /** config.json, scheduler_config.json, model_index.json, tokenizer_config.json: real ones are a few KB. */
    public static final long MAX_CONFIG_BYTES = 1L << 20;
    /** vocab.json and merges.txt: CLIP's are about 1 MB and 0.5 MB. */
    public static final long MAX_TOKENIZER_FILE_BYTES = 16L << 20;

    private BoundedFiles() {}

    /** The file's bytes; IllegalArgumentException naming it when missing or over {@code max} bytes. */
    public static byte[] read(Path file, long max, String what) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " '" + file + "' does not exist");
        }
        if (size > max) {
            throw new IllegalArgumentException(what + " '" + file + "' has " + size + " bytes; expected at most " + max);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) max + 1); // the file may have grown since
            if (bytes.length > max) {
                throw new IllegalArgumentException(what + " '" + file + "' grew past " + max + " bytes while being read");
            }
            return bytes;
        }
    }

    /** The file as UTF-8 text; invalid UTF-8 is an IllegalArgumentException naming the file. */
    public static String readUtf8(Path file, long max, String what) throws IOException {
        byte[] bytes = read(file, max, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " '" + file + "': expected UTF-8 text, found invalid bytes");
        }
    }
}
