package dev.originality.shapes;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RendererTest {
    @Test
    void everyBboxHoldsItsColourAndEmptyCentresAreWhite() {
        SceneSampler s = new SceneSampler(Presets.get("span-60"), 64);
        int empties = 0;
        for (int i = 0; i < 500; i++) {
            Scene scene = s.trainingScene(21, i);
            BufferedImage img = Renderer.render(scene, 64);
            for (PlacedElement p : scene.elements()) {
                int[] b = p.bbox();
                assertThat(countColour(img, b, p.element().colour())).as("image %d %s", i, p.element()).isGreaterThan(5);
                if (p.element().texture() == Texture.EMPTY) {
                    empties++;
                    int rgb = img.getRGB((int) Math.round(p.cx() - 0.5), (int) Math.round(p.cy() - 0.5));
                    int darkest = Math.min(rgb >> 16 & 255, Math.min(rgb >> 8 & 255, rgb & 255));
                    // A small star's hole is about 2 px wide, so its centre pixel is partly blended.
                    int light = p.element().size() == Size.BIG ? 240 : 150;
                    assertThat(darkest).as("centre of %s is (near) white", p.element()).isGreaterThanOrEqualTo(light);
                }
            }
        }
        assertThat(empties).isGreaterThan(100);
    }

    @Test
    void bigShapesCoverMoreThanSmallOnesAndEmptyLessThanFull() {
        for (Shape shape : Shape.values()) {
            int big = ink(new Element(shape, Colour.RED, Size.BIG, Texture.FULL));
            int small = ink(new Element(shape, Colour.RED, Size.SMALL, Texture.FULL));
            int outline = ink(new Element(shape, Colour.RED, Size.BIG, Texture.EMPTY));
            assertThat((double) big).as(shape.word()).isGreaterThan(1.5 * small);
            assertThat(outline).as(shape.word()).isLessThan(big);
        }
    }

    @Test
    void backgroundIsWhite() {
        BufferedImage img = Renderer.render(new Scene(List.of(), Scene.EMPTY), 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) assertThat(img.getRGB(x, y) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    private static int ink(Element e) {
        double r = e.size().radiusFraction * 64;
        Scene scene = new Scene(List.of(new PlacedElement(e, 32, 32, r, Geometry.bbox(e, 32, 32, r, 64))), Scene.OTHER);
        BufferedImage img = Renderer.render(scene, 64);
        int n = 0;
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) n++;
        return n;
    }

    /** Pixels within the bbox whose channel of the element's colour dominates the other two. */
    static int countColour(BufferedImage img, int[] b, Colour c) {
        int n = 0;
        for (int y = b[1]; y < b[3]; y++) {
            for (int x = b[0]; x < b[2]; x++) {
                int rgb = img.getRGB(x, y), r = rgb >> 16 & 255, g = rgb >> 8 & 255, bl = rgb & 255;
                // Dominance rather than exact RGB: antialiased edge pixels are blends with white.
                boolean match = switch (c) {
                    case RED -> r - Math.max(g, bl) > 60;
                    case GREEN -> g - Math.max(r, bl) > 60;
                    case BLUE -> bl - Math.max(r, g) > 60;
                };
                if (match) n++;
            }
        }
        return n;
    }
}
