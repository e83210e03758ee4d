package dev.originality.diffusion.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reproduces transformers' CLIPTokenizer output recorded in the sd-tiny fixture. */
class ClipTokenizerFixtureTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/sd-tiny");
    static final Path TOKENIZER_DIR = FIXTURE.resolve("pipeline/tokenizer");

    static ClipTokenizer tokenizer;
    static JsonNode clipIo;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = ClipTokenizer.load(TOKENIZER_DIR);
        clipIo = new ObjectMapper().readTree(FIXTURE.resolve("index.json").toFile()).get("files").get("clip_io.safetensors");
    }

    @Test
    void specialTokensAndSizesComeFromTheConfigFiles() {
        assertThat(tokenizer.vocabSize()).isEqualTo(657);
        assertThat(tokenizer.size()).isEqualTo(657);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.bosId()).isEqualTo(655);
        assertThat(tokenizer.eosId()).isEqualTo(656);
        // The fixture pads with 656: pad_token is "<|endoftext|>", the same token as eos.
        assertThat(tokenizer.config().padToken()).isEqualTo("<|endoftext|>");
        assertThat(tokenizer.padId()).isEqualTo(656).isEqualTo(tokenizer.tokenId("<|endoftext|>"));
    }

    @Test
    void reproducesTheFixtureTokensAndPaddedIds() {
        JsonNode prompts = clipIo.get("prompts");
        assertThat(prompts.size()).isEqualTo(2);
        for (int p = 0; p < prompts.size(); p++) {
            String prompt = prompts.get(p).asText();
            List<String> expectedTokens = new ArrayList<>();
            clipIo.get("tokens_unpadded").get(p).forEach(t -> expectedTokens.add(t.asText()));
            long[] expectedIds = longs(clipIo.get("token_ids").get(p));

            assertThat(tokenizer.tokenize(prompt)).as("tokens of '%s'", prompt).isEqualTo(expectedTokens);
            assertThat(tokenizer.encode(prompt)).as("ids of '%s'", prompt).hasSize(77).isEqualTo(expectedIds);
            // Unpadded: bos + one id per token + eos, the padded ids' prefix.
            int[] unpadded = tokenizer.encodeUnpadded(prompt);
            assertThat(unpadded).hasSize(expectedTokens.size() + 2);
            for (int i = 0; i < unpadded.length; i++) assertThat((long) unpadded[i]).isEqualTo(expectedIds[i]);
            for (int i = 0; i < expectedTokens.size(); i++) assertThat(unpadded[i + 1]).isEqualTo(tokenizer.tokenId(expectedTokens.get(i)));
        }
    }

    @Test
    void matchesTheInputIdsTensorFedToTheTextEncoder() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> io = SafeTensors.load(FIXTURE.resolve("clip_io.safetensors"), m);
            long[] ids = io.get("input_ids").toLongArray(); // [2, 77]
            JsonNode prompts = clipIo.get("prompts");
            for (int p = 0; p < 2; p++) {
                assertThat(tokenizer.encode(prompts.get(p).asText())).isEqualTo(Arrays.copyOfRange(ids, p * 77, (p + 1) * 77));
            }
        }
    }

    @Test
    void savingTheFixtureTokenizerWritesTheSameFilesTransformersWrote(@TempDir Path dir) throws Exception {
        tokenizer.save(dir);
        for (String name : List.of("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")) {
            assertThat(Files.readString(dir.resolve(name))).as(name).isEqualTo(Files.readString(TOKENIZER_DIR.resolve(name)));
        }
        assertThat(dir.resolve("added_tokens.json")).doesNotExist();
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }
}
