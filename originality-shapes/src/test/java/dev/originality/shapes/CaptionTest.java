package dev.originality.shapes;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaptionTest {
    @Test
    void worldHasSixtyElements() {
        assertThat(Element.all()).hasSize(60).doesNotHaveDuplicates();
    }

    @Test
    void captionUsesSizeColourTextureShapeJoinedByAnd() {
        List<Element> els = List.of(Element.parse("big red full circle"), Element.parse("small blue empty square"));
        assertThat(Caption.of(els)).isEqualTo("big red full circle and small blue empty square");
        assertThat(Caption.of(List.of())).isEmpty();
    }

    @Test
    void captionsParseBackToTheirElementMultiset() {
        SceneSampler s = new SceneSampler(Presets.get("span-60").withMaxElements(6), 64);
        for (int i = 0; i < 2000; i++) {
            Scene scene = s.trainingScene(7, i);
            assertThat(Caption.parse(scene.caption())).containsExactlyElementsOf(scene.elementList());
        }
        assertThat(Caption.parse("")).isEmpty();
        assertThat(Caption.parse("  Big RED full  circle ")).containsExactly(Element.parse("big red full circle"));
    }

    @Test
    void unknownWordsNameTheValidValues() {
        assertThatThrownBy(() -> Element.parse("big purple full circle"))
                .hasMessage("unknown color 'purple': expected one of red, green, blue");
        assertThatThrownBy(() -> Element.parse("big red full oval"))
                .hasMessageContaining("expected one of circle, square, triangle, hexagon, star");
        assertThatThrownBy(() -> Element.parse("red circle"))
                .hasMessageContaining("expected an element as 'size colour texture shape'");
    }
}
