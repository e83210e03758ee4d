package dev.originality.measure.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.originality.measure.ElementMatcher;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.PlacedElement;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmenterTest {
    static final DatasetSpec WORLD = Presets.get("span-60").withMaxElements(4);

    /** On clean renders every element is exactly one blob of its colour, on its box. */
    @Test
    void cleanRendersGiveOneBlobPerElement() {
        SceneSampler sampler = new SceneSampler(WORLD, 64);
        Segmenter seg = new Segmenter(SegmenterConfig.DEFAULT);
        int elements = 0;
        for (int i = 0; i < 300; i++) {
            Scene s = sampler.trainingScene(7, i);
            List<Blob> blobs = seg.blobs(InkMap.of(Renderer.render(s, 64)));
            assertThat(blobs).as("scene %d: %s", i, s.caption()).hasSize(s.elements().size());
            for (PlacedElement e : s.elements()) {
                elements++;
                assertThat(blobs).as("scene %d, %s", i, e.element())
                        .anyMatch(b -> b.colour() == e.element().colour() && ElementMatcher.iou(b.bbox(), e.bbox()) > 0.6
                                && b.purity() > 0.99);
            }
        }
        assertThat(elements).isGreaterThan(300);
    }

    @Test
    void whiteAndGreyHaveNoInk() {
        BufferedImage img = DetectorEvaluation.white(64);
        img.setRGB(10, 10, 0x808080);
        InkMap map = InkMap.of(img);
        assertThat(new Segmenter(SegmenterConfig.DEFAULT).blobs(map)).isEmpty();
        assertThat(map.colour[10 * 64 + 10]).isEqualTo((byte) -1);
    }

    /** The acceptance test's damage never makes specks out of a blank image. */
    @Test
    void noisyBlankImagesStayBlank() {
        Segmenter seg = new Segmenter(SegmenterConfig.DEFAULT);
        Scene empty = new Scene(List.of(), Scene.EMPTY);
        for (int i = 0; i < 100; i++) {
            BufferedImage img = DetectorEvaluation.degraded(empty, 3, i, Degradation.EVALUATION);
            assertThat(seg.blobs(InkMap.of(img))).as("image %d", i).isEmpty();
        }
    }

    @Test
    void degradationIsSeededAndChangesPixels() {
        Scene s = new SceneSampler(WORLD, 64).trainingScene(1, 3);
        BufferedImage clean = Renderer.render(s, 64);
        BufferedImage a = Degradation.TRAINING.apply(clean, new SplittableRandom(5)).image();
        BufferedImage b = Degradation.TRAINING.apply(clean, new SplittableRandom(5)).image();
        BufferedImage c = Degradation.EVALUATION.apply(clean, new SplittableRandom(6)).image();
        assertThat(a.getRGB(0, 0, 64, 64, null, 0, 64)).isEqualTo(b.getRGB(0, 0, 64, 64, null, 0, 64));
        assertThat(c.getRGB(0, 0, 64, 64, null, 0, 64)).isNotEqualTo(clean.getRGB(0, 0, 64, 64, null, 0, 64));
    }
}
