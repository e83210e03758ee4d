package dev.originality.diffusion.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static dev.originality.diffusion.tokenizer.ClipTokenizerFixtureTest.TOKENIZER_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading errors name the file and say what was expected. */
class ClipTokenizerFilesTest {
    @TempDir
    Path dir;

    private void copyFixture() throws IOException {
        for (String f : new String[] {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
            Files.copy(TOKENIZER_DIR.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void missingFolderOrFiles() throws IOException {
        assertThatThrownBy(() -> ClipTokenizer.load(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("vocab.json and merges.txt");
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab.json' is missing");
        copyFixture();
        Files.delete(dir.resolve("merges.txt"));
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merges.txt' is missing");
    }

    @Test
    void configFilesAreOptional() throws IOException {
        copyFixture();
        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.delete(dir.resolve("special_tokens_map.json"));
        ClipTokenizer t = ClipTokenizer.load(dir);
        assertThat(t.maxLength()).isEqualTo(77);
        assertThat(t.bosId()).isEqualTo(655);
        assertThat(t.padId()).isEqualTo(656);
    }

    @Test
    void padTokenFromTheConfigIsUsed() throws IOException {
        copyFixture();
        // SD v2 style: pad with "!" (id 0); special_tokens_map.json takes precedence over tokenizer_config.json.
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 10, \"pad_token\": \"<|endoftext|>\"}");
        ClipTokenizer t = ClipTokenizer.load(dir);
        assertThat(t.padId()).isZero();
        assertThat(t.encode("a photo")).containsExactly(655, 320, 632, 656, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void malformedVocab() throws IOException {
        copyFixture();
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0,");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("expected a JSON object {token: id}").hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve("vocab.json"), "[\"a\"]");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocab.json").hasMessageContaining("found array");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"zero\"}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 'a' has id \"zero\", expected an integer in 0..0");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 0}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("share id 0");
    }

    @Test
    void malformedMerges() throws IOException {
        copyFixture();
        Files.writeString(dir.resolve("merges.txt"), "i n\no f</w>\n");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merges.txt").hasMessageContaining("expected a first line '#version: 0.2', found 'i n'");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\ni n\nof\n");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merges.txt' line 3: expected two symbols separated by a space, found 'of'");
    }

    @Test
    void mergesWithUnknownSymbols() throws IOException {
        copyFixture();
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\ni n\nq zz\n");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("merges.txt' line 3 ('q zz'): symbol 'zz' is not in vocab.json");
        // Both symbols known, their concatenation not.
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nq q\n");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("symbol 'qq' is not in vocab.json");
    }

    @Test
    void specialTokensMustBeInTheVocabulary() throws IOException {
        copyFixture();
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\"}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad token '<pad>' is not in the vocabulary (657 tokens)");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer folder '" + dir + "': maxLength must be >= 2 (bos + eos), found 1");
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"bos_token\": 3}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("special_tokens_map.json").hasMessageContaining("expected bos_token to be a string or an object");
    }
}
