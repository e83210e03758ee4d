package dev.originality.diffusion.models.unet;

import dev.originality.diffusion.models.Fixtures;
import dev.originality.diffusion.models.blocks.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UNetConfigTest {
    @Test
    void readsTheDiffusersConfigWithAttentionHeadDimAsHeadCount() throws Exception {
        UNetConfig c = UNetConfig.read(Fixtures.SD_TINY.resolve("pipeline/unet/config.json"));
        assertThat(c.blockOutChannels()).containsExactly(16, 32);
        assertThat(c.attentionHeads()).containsExactly(4, 4);
        assertThat(c.layersPerBlock()).containsExactly(1, 1);
        assertThat(c.downBlockTypes()).containsExactly("CrossAttnDownBlock2D", "DownBlock2D");
        assertThat(c.upBlockTypes()).containsExactly("UpBlock2D", "CrossAttnUpBlock2D");
        assertThat(c.crossAttentionDim()).isEqualTo(32);
        assertThat(c.normNumGroups()).isEqualTo(8);
        assertThat(c.normEps()).isEqualTo(1e-5);
        assertThat(c.flipSinToCos()).isTrue();
        assertThat(c.freqShift()).isZero();
        assertThat(c.useLinearProjection()).isFalse();
        assertThat(c.sampleSize()).isEqualTo(8);
        assertThat(c.timeEmbedDim()).isEqualTo(64);
        assertThat(UNetConfig.read(Fixtures.SD_TINY_F16.resolve("unet/config.json")).attentionHeads()).containsExactly(8, 8);
    }

    @Test
    void roundTripsThroughConfigJson(@TempDir Path dir) throws Exception {
        UNetConfig c = UNetConfig.of(List.of(32, 64, 64), 2, 4, 48, 16, 16);
        Path file = dir.resolve("config.json");
        c.write(file);
        assertThat(UNetConfig.read(file)).isEqualTo(c);
        var json = ConfigJson.JSON.readTree(file.toFile());
        assertThat(json.get("attention_head_dim").asInt()).isEqualTo(4);
        assertThat(json.get("num_attention_heads").isNull()).isTrue();
        UNetConfig fixture = UNetConfig.read(Fixtures.SD_TINY.resolve("pipeline/unet/config.json"));
        assertThat(UNetConfig.fromJson(new ConfigJson(fixture.toJson(), "round trip"))).isEqualTo(fixture);
    }

    @Test
    void perBlockListsAndNumAttentionHeadsAreRead() {
        var json = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson();
        ConfigJson.putInts(json, "attention_head_dim", List.of(2, 8));
        ConfigJson.putInts(json, "layers_per_block", List.of(1, 2));
        UNetConfig c = UNetConfig.fromJson(new ConfigJson(json, "unet config"));
        assertThat(c.attentionHeads()).containsExactly(2, 8);
        assertThat(c.layersPerBlock()).containsExactly(1, 2);
        json.put("num_attention_heads", 4);
        assertThat(UNetConfig.fromJson(new ConfigJson(json, "unet config")).attentionHeads()).containsExactly(4, 4);
    }

    @Test
    void rejectsUnsupportedBlockTypesListingTheSupportedOnes() {
        var json = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson();
        ConfigJson.putTexts(json, "down_block_types", List.of("CrossAttnDownBlock2D", "AttnDownBlock2D"));
        assertThatThrownBy(() -> UNetConfig.fromJson(new ConfigJson(json, "unet config")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unet config").hasMessageContaining("'AttnDownBlock2D'")
                .hasMessageContaining("supported: CrossAttnDownBlock2D, DownBlock2D");
        var mid = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson().put("mid_block_type", "UNetMidBlock2D");
        assertThatThrownBy(() -> UNetConfig.fromJson(new ConfigJson(mid, "unet config")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("supported: UNetMidBlock2DCrossAttn");
    }

    @Test
    void rejectsFeaturesItDoesNotImplementAndInconsistentShapes() {
        var json = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson().put("class_embed_type", "timestep");
        assertThatThrownBy(() -> UNetConfig.fromJson(new ConfigJson(json, "unet config")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'class_embed_type' = \"timestep\" is not supported (expected null)");
        var shift = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson().put("resnet_time_scale_shift", "scale_shift");
        assertThatThrownBy(() -> UNetConfig.fromJson(new ConfigJson(shift, "unet config")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resnet_time_scale_shift");
        assertThatThrownBy(() -> UNetConfig.of(List.of(32, 64), 1, 3, 32, 8, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not divisible by its 3 attention heads");
        var lists = UNetConfig.of(List.of(32, 64), 1, 4, 32, 8, 8).toJson();
        ConfigJson.putInts(lists, "layers_per_block", List.of(1, 1, 1));
        assertThatThrownBy(() -> UNetConfig.fromJson(new ConfigJson(lists, "unet config")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layers_per_block' has 3 entries");
    }
}
