package dev.originality.diffusion.io;

import dev.originality.diffusion.models.blocks.ConfigJson;
import dev.originality.diffusion.models.text.ClipTextConfig;
import dev.originality.diffusion.models.unet.UNetConfig;
import dev.originality.diffusion.schedulers.SchedulerConfig;
import dev.originality.diffusion.tokenizer.ClipTokenizer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resource bounds of the JSON and tokenizer readers: a file over its bound is refused from its
 * size alone, before anything is allocated. The files are sparse (no disk used): 3 GiB config
 * files used to end in an OutOfMemoryError from Files.readString.
 */
class ReaderBoundsTest {
    static final long HUGE = 3L << 30;
    /** What a refusal may allocate on the heap. */
    static final long ALLOCATION_LIMIT = 1L << 20;
    @TempDir
    Path tmp;

    @Test
    void configsOverOneMegabyteAreRefusedBeforeReading() throws IOException {
        Path file = sparse(tmp.resolve("config.json"), HUGE);
        for (ThrowingCallable read : new ThrowingCallable[] {() -> UNetConfig.read(file), () -> ConfigJson.read(file),
                () -> ClipTextConfig.read(file), () -> SchedulerConfig.read(file)}) {
            assertRefused(read, file + "' has " + HUGE + " bytes; expected at most " + BoundedFiles.MAX_CONFIG_BYTES);
        }
        Path justOver = sparse(tmp.resolve("over.json"), BoundedFiles.MAX_CONFIG_BYTES + 1);
        assertRefused(() -> UNetConfig.read(justOver), "expected at most " + BoundedFiles.MAX_CONFIG_BYTES);
    }

    @Test
    void modelIndexAndComponentFilesAreBounded() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pipe"));
        sparse(dir.resolve("model_index.json"), HUGE);
        assertRefused(() -> DiffusersFolder.open(dir), "model_index.json' has " + HUGE + " bytes");

        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"P\", \"_diffusers_version\": \"0.31.0\","
                + " \"tokenizer\": [\"transformers\", \"CLIPTokenizer\"]}");
        sparse(Files.createDirectories(dir.resolve("tokenizer")).resolve("vocab.json"), HUGE);
        assertRefused(() -> DiffusersFolder.open(dir), "vocab.json' has " + HUGE + " bytes; expected at most "
                + BoundedFiles.MAX_TOKENIZER_FILE_BYTES);
    }

    @Test
    void tokenizerFilesAreBounded() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tokenizer"));
        sparse(dir.resolve("vocab.json"), HUGE);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        assertRefused(() -> ClipTokenizer.load(dir), "vocab.json' has " + HUGE + " bytes");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        sparse(dir.resolve("merges.txt"), HUGE);
        assertRefused(() -> ClipTokenizer.load(dir), "merges.txt' has " + HUGE + " bytes");
    }

    @Test
    void textEncoderIntegersOutsideTheirRangeAreErrorsNotArithmeticExceptions() throws IOException {
        String base = "\"hidden_size\": 8, \"intermediate_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2,"
                + " \"max_position_embeddings\": 77, \"bos_token_id\": 0, \"eos_token_id\": 1, \"pad_token_id\": 1";
        Path file = tmp.resolve("config.json");
        // Found by reading: Math.toIntExact threw a raw ArithmeticException.
        Files.writeString(file, "{\"vocab_size\": 3000000000, " + base + "}");
        assertRefused(() -> ClipTextConfig.read(file), "'vocab_size' must be a 32-bit integer, found 3000000000");
        // 2^64 + 1 used to wrap to vocab_size 1 and read as a valid config.
        Files.writeString(file, "{\"vocab_size\": 18446744073709551617, " + base + "}");
        assertRefused(() -> ClipTextConfig.read(file), "'vocab_size' must be a 64-bit integer");
        Files.writeString(file, "{\"vocab_size\": 10, \"projection_dim\": 1e30, " + base + "}");
        assertRefused(() -> ClipTextConfig.read(file), "'projection_dim' must be a 64-bit integer");
    }

    @Test
    void jsonIsDecodedAsUtf8NotGuessedFromItsFirstBytes() throws IOException {
        // Found by fuzzing: NUL bytes before the JSON made Jackson read it as UTF-32 and throw a raw CharConversionException.
        byte[] json = ("\0\0\0\0{\"_class_name\": \"P\", \"_diffusers_version\": \"0.31.0\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path dir = Files.createDirectories(tmp.resolve("nul"));
        Files.write(dir.resolve("model_index.json"), json);
        assertRefused(() -> DiffusersFolder.open(dir), "model_index.json: malformed JSON");
        Path file = Files.write(tmp.resolve("config.json"), json);
        assertRefused(() -> ClipTextConfig.read(file), file + ": not valid JSON");
        assertRefused(() -> SchedulerConfig.read(file), "scheduler config '" + file + "' is not valid JSON");
        assertRefused(() -> UNetConfig.read(file), "not valid JSON");
    }

    static Path sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    /** One IllegalArgumentException with {@code message} in it, after allocating less than ALLOCATION_LIMIT. */
    static void assertRefused(ThrowingCallable read, String message) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThatThrownBy(read).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        long before = threads.getCurrentThreadAllocatedBytes(); // second call: classes are loaded now
        assertThatThrownBy(read).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated refusing").isLessThan(ALLOCATION_LIMIT);
    }
}
