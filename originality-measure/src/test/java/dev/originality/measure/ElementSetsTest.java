package dev.originality.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.originality.shapes.Element;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElementSetsTest {
    static final Element RED_CIRCLE = Element.parse("big red full circle");
    static final Element BLUE_SQUARE = Element.parse("small blue empty square");

    @Test
    void multisetsCompareCountsNotOrder() {
        assertThat(ElementSets.sameMultiset(List.of(RED_CIRCLE, BLUE_SQUARE), List.of(BLUE_SQUARE, RED_CIRCLE))).isTrue();
        assertThat(ElementSets.sameMultiset(List.of(RED_CIRCLE, RED_CIRCLE), List.of(RED_CIRCLE))).isFalse();
        assertThat(ElementSets.sameMultiset(List.of(RED_CIRCLE, RED_CIRCLE, BLUE_SQUARE), List.of(RED_CIRCLE, BLUE_SQUARE, BLUE_SQUARE))).isFalse();
        assertThat(ElementSets.sameMultiset(List.of(), List.of())).isTrue();
    }

    @Test
    void countsAndDifference() {
        List<Element> a = List.of(RED_CIRCLE, BLUE_SQUARE, RED_CIRCLE);
        assertThat(ElementSets.count(a, RED_CIRCLE)).isEqualTo(2);
        assertThat(ElementSets.count(a, Element.parse("big green full star"))).isZero();
        assertThat(ElementSets.minus(a, List.of(RED_CIRCLE))).containsExactly(RED_CIRCLE, BLUE_SQUARE);
        assertThat(ElementSets.minus(List.of(RED_CIRCLE), a)).isEmpty();
    }

    @Test
    void iouOfBoxes() {
        assertThat(ElementMatcher.iou(new int[] {0, 0, 10, 10}, new int[] {0, 0, 10, 10})).isEqualTo(1.0);
        assertThat(ElementMatcher.iou(new int[] {0, 0, 10, 10}, new int[] {5, 0, 15, 10})).isCloseTo(50.0 / 150, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ElementMatcher.iou(new int[] {0, 0, 10, 10}, new int[] {20, 20, 30, 30})).isZero();
    }
}
