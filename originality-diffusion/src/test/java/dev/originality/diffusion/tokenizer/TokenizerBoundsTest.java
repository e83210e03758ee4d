package dev.originality.diffusion.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounds of the tokenizer: sequence length from the config, prompt length, the BPE memo. */
class TokenizerBoundsTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/sd-tiny/pipeline/tokenizer");
    @TempDir
    Path tmp;

    @Test
    void modelMaxLengthIsBoundedBeforeAnyEncodingAllocatesIt() throws IOException {
        Path dir = copyFixture();
        // Found by reading: 2147483647 loaded, and every encode() then allocated long[2^31 - 1] (OutOfMemoryError).
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 2147483647}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("maxLength must be at most 65536, found 2147483647");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 65536}");
        assertThat(ClipTokenizer.load(dir).encode("a red circle")).hasSize(65536);
        // transformers' "no limit" (int(1e30)) still means CLIP's 77.
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        assertThat(ClipTokenizer.load(dir).maxLength()).isEqualTo(77);
    }

    @Test
    void promptsAreBoundedInLength() throws IOException {
        ClipTokenizer t = ClipTokenizer.load(FIXTURE);
        String longest = "a red circle ".repeat(ClipTokenizer.MAX_PROMPT_CHARS / 13);
        assertThat(t.encode(longest)).hasSize(77);
        String tooLong = "x".repeat(1_000_000);
        assertThatThrownBy(() -> t.encode(tooLong)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt has 1000000 characters; expected at most 16384 (CLIP reads only the first 75 tokens)");
    }

    @Test
    void oneLongWordAtTheBoundTokenizesInReasonableTime() throws IOException {
        ClipTokenizer t = ClipTokenizer.load(FIXTURE);
        StringBuilder word = new StringBuilder();
        for (int i = 0; word.length() < ClipTokenizer.MAX_PROMPT_CHARS; i++) word.append((char) ('a' + (i * 7 + i / 26) % 26));
        long start = System.nanoTime();
        List<String> tokens = t.tokenize(word.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(String.join("", tokens).replace("</w>", "")).isEqualTo(word.toString());
        assertThat(seconds).as("seconds for one %d-char word", word.length()).isLessThan(30);
    }

    @Test
    void bpeMemoIsBounded() {
        Bpe bpe = new Bpe(List.of(new Bpe.Merge("a", "b")));
        for (int i = 0; i < Bpe.MAX_CACHED_WORDS + 100; i++) bpe.apply("ab" + Integer.toString(i, 36));
        assertThat(bpe.cachedWords()).isBetween(1, Bpe.MAX_CACHED_WORDS);
        assertThat(bpe.apply("abab")).containsExactly("ab", "a", "b</w>");
    }

    private Path copyFixture() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tok"));
        for (String f : List.of("vocab.json", "merges.txt")) Files.copy(FIXTURE.resolve(f), dir.resolve(f));
        return dir;
    }
}
