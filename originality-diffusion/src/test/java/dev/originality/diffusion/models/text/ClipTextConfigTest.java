package dev.originality.diffusion.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.text.ClipTextConfig.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTextConfigTest {
    static final Path SD_TINY_CONFIG = Path.of("src/test/resources/fixtures/sd-tiny/pipeline/text_encoder/config.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheFixtureConfigIgnoringFieldsItDoesNotUse() throws IOException {
        ClipTextConfig c = ClipTextConfig.read(SD_TINY_CONFIG);
        assertThat(c).isEqualTo(new ClipTextConfig(657, 32, 37, 2, 4, 77, Activation.QUICK_GELU, 1e-5, 655, 656, 656, 32));
        assertThat(c.headDim()).isEqualTo(8);
    }

    @Test
    void writesTransformersConfigJsonThatReadsBackEqual(@TempDir Path dir) throws IOException {
        ClipTextConfig built = ClipTextConfig.builder().vocabSize(300).hiddenSize(48).intermediateSize(192)
                .numHiddenLayers(3).numAttentionHeads(6).maxPositionEmbeddings(32).hiddenAct(Activation.GELU)
                .bosTokenId(298).eosTokenId(299).padTokenId(299).projectionDim(null).build();
        Path file = dir.resolve("text_encoder/config.json");
        built.write(file);
        assertThat(ClipTextConfig.read(file)).isEqualTo(built);

        JsonNode written = JSON.readTree(file.toFile());
        assertThat(written.get("model_type").asText()).isEqualTo("clip_text_model");
        assertThat(written.get("architectures").get(0).asText()).isEqualTo("CLIPTextModel");
        assertThat(written.get("hidden_act").asText()).isEqualTo("gelu");
        assertThat(written.get("layer_norm_eps").asDouble()).isEqualTo(1e-5);
        assertThat(written.has("projection_dim")).isFalse();
        List<String> keys = new ArrayList<>();
        written.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isSorted().contains("vocab_size", "num_hidden_layers", "eos_token_id", "transformers_version");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);   // no temporary file left behind
        }
    }

    @Test
    void fixtureConfigRoundTrips(@TempDir Path dir) throws IOException {
        ClipTextConfig c = ClipTextConfig.read(SD_TINY_CONFIG);
        c.write(dir.resolve("config.json"));
        assertThat(ClipTextConfig.read(dir.resolve("config.json"))).isEqualTo(c);
    }

    @Test
    void missingOptionalFieldsTakeTransformersDefaults() {
        ObjectNode o = minimal().put("vocab_size", 49408);
        o.remove(List.of("bos_token_id", "eos_token_id", "pad_token_id"));
        ClipTextConfig c = ClipTextConfig.fromJson(o);
        assertThat(c.hiddenAct()).isEqualTo(Activation.QUICK_GELU);
        assertThat(c.layerNormEps()).isEqualTo(1e-5);
        assertThat(c.eosTokenId()).isEqualTo(49407);
        assertThat(c.bosTokenId()).isEqualTo(49406);
        assertThat(c.padTokenId()).isEqualTo(1);
        assertThat(c.projectionDim()).isNull();
    }

    @Test
    void rejectsInvalidConfigsNamingTheField() {
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("num_attention_heads", 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden_size 32 must be divisible by num_attention_heads 5");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("hidden_act", "relu")))
                .hasMessageContaining("hidden_act 'relu' is not supported (expected quick_gelu or gelu)");
        ObjectNode noHidden = minimal();
        noHidden.remove("hidden_size");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(noHidden)).hasMessage("missing required field 'hidden_size'");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("hidden_size", 32.5)))
                .hasMessageContaining("'hidden_size' must be an integer, found 32.5");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("eos_token_id", 999)))
                .hasMessage("eos_token_id 999 is outside the vocabulary 0..99");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("layer_norm_eps", 0)))
                .hasMessageContaining("layer_norm_eps must be a positive number");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("num_hidden_layers", 0)))
                .hasMessage("num_hidden_layers must be positive, found 0");
        assertThatThrownBy(() -> ClipTextConfig.fromJson(minimal().put("model_type", "bert")))
                .hasMessage("model_type is 'bert', expected 'clip_text_model'");
    }

    @Test
    void readNamesTheFileInItsErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, minimal().put("hidden_act", "tanh").toString());
        assertThatThrownBy(() -> ClipTextConfig.read(file)).hasMessageStartingWith(file + ": hidden_act 'tanh'");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> ClipTextConfig.read(file)).hasMessageStartingWith(file + ": not valid JSON");
    }

    /** A 100-token config with every required field and in-vocabulary token ids. */
    private static ObjectNode minimal() {
        return JSON.createObjectNode().put("vocab_size", 100).put("hidden_size", 32).put("intermediate_size", 64)
                .put("num_hidden_layers", 1).put("num_attention_heads", 4).put("max_position_embeddings", 16)
                .put("bos_token_id", 98).put("eos_token_id", 99).put("pad_token_id", 99);
    }
}
