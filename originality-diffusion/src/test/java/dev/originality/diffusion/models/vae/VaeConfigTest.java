package dev.originality.diffusion.models.vae;

import dev.originality.diffusion.models.Fixtures;
import dev.originality.diffusion.models.blocks.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaeConfigTest {
    @Test
    void readsTheDiffusersConfig() throws Exception {
        VaeConfig c = VaeConfig.read(Fixtures.SD_TINY.resolve("pipeline/vae/config.json"));
        assertThat(c.blockOutChannels()).containsExactly(16, 32, 32);
        assertThat(c.layersPerBlock()).isEqualTo(1);
        assertThat(c.normNumGroups()).isEqualTo(8);
        assertThat(c.latentChannels()).isEqualTo(4);
        assertThat(c.sampleSize()).isEqualTo(32);
        assertThat(c.scalingFactor()).isEqualTo(0.18215);
        assertThat(c.downscaleFactor()).isEqualTo(4);
        assertThat(c.shiftFactor()).isNull();
    }

    @Test
    void roundTripsThroughConfigJson(@TempDir Path dir) throws Exception {
        VaeConfig c = VaeConfig.of(List.of(32, 64), 2, 16, 4, 64);
        Path file = dir.resolve("config.json");
        c.write(file);
        assertThat(VaeConfig.read(file)).isEqualTo(c);
        assertThat(ConfigJson.JSON.readTree(file.toFile()).get("_class_name").asText()).isEqualTo("AutoencoderKL");
        VaeConfig fixture = VaeConfig.read(Fixtures.SD_TINY_F16.resolve("vae/config.json"));
        assertThat(VaeConfig.fromJson(new ConfigJson(fixture.toJson(), "round trip"))).isEqualTo(fixture);
    }

    @Test
    void rejectsUnsupportedBlockTypesListingTheSupportedOne() {
        var json = VaeConfig.of(List.of(32, 64), 1, 8, 4, 32).toJson();
        ConfigJson.putTexts(json, "down_block_types", List.of("DownEncoderBlock2D", "AttnDownEncoderBlock2D"));
        assertThatThrownBy(() -> VaeConfig.fromJson(new ConfigJson(json, "vae config")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AttnDownEncoderBlock2D").hasMessageContaining("supported: DownEncoderBlock2D");
    }

    @Test
    void rejectsChannelsNotDivisibleByGroupsAndWrongTypes() {
        assertThatThrownBy(() -> VaeConfig.of(List.of(12, 64), 1, 8, 4, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("norm_num_groups 8").hasMessageContaining("12");
        var json = VaeConfig.of(List.of(32, 64), 1, 8, 4, 32).toJson();
        json.put("layers_per_block", "two");
        assertThatThrownBy(() -> VaeConfig.fromJson(new ConfigJson(json, "vae config")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layers_per_block' must be an integer");
        var other = VaeConfig.of(List.of(32, 64), 1, 8, 4, 32).toJson().put("_class_name", "UNet2DConditionModel");
        assertThatThrownBy(() -> VaeConfig.fromJson(new ConfigJson(other, "vae config")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected _class_name 'AutoencoderKL'");
    }
}
