package dev.originality.shapes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecJsonTest {
    @Test
    void everyPresetRoundTripsThroughJson() {
        for (String name : Presets.NAMES) {
            DatasetSpec spec = Presets.get(name);
            assertThat(SpecJson.parse(SpecJson.toJson(spec).toString())).isEqualTo(spec);
        }
    }

    @Test
    void userDefinedPairsAndDefaults() {
        DatasetSpec s = SpecJson.parse("""
                {"name": "hexstar", "sizes": ["big"], "textures": ["full"],
                 "pairs": [{"group": "common", "shapes": ["hexagon", "star"], "fraction": 0.2},
                           {"group": "unseen", "shapes": ["circle", "star"], "fraction": 0}]}""");
        assertThat(s.shapes()).hasSize(5);
        assertThat(s.emptyFraction()).isEqualTo(0.1);
        assertThat(s.exclusiveShapes()).containsExactlyInAnyOrder(Shape.HEXAGON, Shape.STAR, Shape.CIRCLE);
        DatasetStats st = new DatasetStats();
        SceneSampler sampler = new SceneSampler(s, 64);
        for (int i = 0; i < 5000; i++) st.add(sampler.trainingScene(1, i));
        SceneSamplerTest.assertWithin(st.group("common"), 5000, 0.2);
        assertThat(st.shapePair(Shape.CIRCLE, Shape.STAR)).isZero();
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> SpecJson.parse("{\"colors\": [\"red\", \"pink\"]}"))
                .hasMessage("unknown color 'pink': expected one of red, green, blue");
        assertThatThrownBy(() -> SpecJson.parse("{\"colour\": [\"red\"]}")).hasMessageContaining("unknown spec field 'colour'");
        assertThatThrownBy(() -> SpecJson.parse("{\"shapes\": [\"circle\"], \"colors\": [\"red\"], \"sizes\": [\"big\"],"
                + " \"textures\": [\"full\"], \"held_out\": [\"big red full circle\"]}"))
                .hasMessageContaining("holds out all 1 of its elements");
        assertThatThrownBy(() -> SpecJson.parse("{\"held_out\": [\"big red full blob\"]}")).hasMessageContaining("unknown shape 'blob'");
        assertThatThrownBy(() -> SpecJson.parse("not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SpecJson.parse("{\"empty_fraction\": 0.95, \"pairs\": [{\"group\": \"a\", \"shapes\": [\"circle\", \"star\"], \"fraction\": 0.1}]}"))
                .hasMessageContaining("at most 1");
    }
}
