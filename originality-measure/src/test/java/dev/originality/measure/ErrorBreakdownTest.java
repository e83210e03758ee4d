package dev.originality.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.originality.shapes.Element;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorBreakdownTest {
    static Element e(String phrase) {
        return Element.parse(phrase);
    }

    @Test
    void namesTheConfusedAttribute() {
        List<List<Element>> want = List.of(
                List.of(e("big red full circle"), e("big blue full square")),   // circle drawn as a hexagon
                List.of(e("big green full star")),                              // star drawn blue
                List.of(e("big red full triangle"), e("big red full star")),    // star dropped
                List.of(e("big blue full hexagon")));                           // right, plus an extra circle
        List<List<Element>> got = List.of(
                List.of(e("big red full hexagon"), e("big blue full square")),
                List.of(e("big blue full star")),
                List.of(e("big red full triangle")),
                List.of(e("big blue full hexagon"), e("big green full circle")));
        ErrorBreakdown b = ErrorBreakdown.of(want, got);
        assertThat(b).isEqualTo(new ErrorBreakdown(4, 6, 2, 1, 1, 0, 1, 1));
        assertThat(b.line()).contains("wrong shape 16.7%", "wrong colour 16.7%", "missing 16.7%", "extra elements 16.7%",
                "right element count in 50.0% of images");
    }

    @Test
    void shapeAndColourBothWrongIsMissingPlusExtra() {
        ErrorBreakdown b = ErrorBreakdown.of(List.of(List.of(e("big red full circle"))), List.of(List.of(e("big blue full square"))));
        assertThat(b).isEqualTo(new ErrorBreakdown(1, 1, 1, 0, 0, 0, 1, 1));
    }
}
