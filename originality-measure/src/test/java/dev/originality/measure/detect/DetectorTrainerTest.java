package dev.originality.measure.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorTrainerTest {
    static DetectorTrainer.Result tiny;

    @BeforeAll
    static void train() {
        tiny = new DetectorTrainer(TrainPreset.get("tiny")).train(3, l -> {});
    }

    @Test
    void tinyLearns() {
        List<Double> l = tiny.losses();
        double first = l.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = l.subList(l.size() - 3, l.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(tiny.samples()).isGreaterThan(200);
        assertThat(last).as("losses %s", l).isLessThan(0.9 * first);
        assertThat(tiny.model().provenance().path("seed").asLong()).isEqualTo(3);
    }

    @Test
    void sameSeedSameWeights() {
        DetectorTrainer.Result again = new DetectorTrainer(TrainPreset.get("tiny")).train(3, l -> {});
        tiny.model().weights().forEach((k, v) -> assertThat(again.model().weights().get(k)).as(k).containsExactly(v));
    }

    @Test
    void savesAndLoadsExactly(@TempDir Path dir) throws Exception {
        tiny.model().save(dir);
        DetectorModel back = DetectorModel.load(dir);
        assertThat(back.classifier()).isEqualTo(tiny.model().classifier());
        assertThat(back.segmenter()).isEqualTo(tiny.model().segmenter());
        tiny.model().weights().forEach((k, v) -> assertThat(back.weights().get(k)).as(k).containsExactly(v));
        try (ShapeDetector a = new ShapeDetector(tiny.model()); ShapeDetector b = new ShapeDetector(back)) {
            var img = dev.originality.shapes.Renderer.render(DetectorEvaluation.scene(11, 0), 64);
            assertThat(b.detect(img, 0)).isEqualTo(a.detect(img, 0));
        }
    }

    @Test
    void refusesWhatIsNotADetector(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DetectorModel.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json");
        tiny.model().save(dir);
        Files.writeString(dir.resolve(DetectorModel.CONFIG), Files.readString(dir.resolve(DetectorModel.CONFIG))
                .replace("originality-shape-detector", "something-else"));
        assertThatThrownBy(() -> DetectorModel.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected format 'originality-shape-detector', found 'something-else'");
    }

    @Test
    void thresholdFiltersByConfidence() {
        try (ShapeDetector d = new ShapeDetector(tiny.model())) {
            List<java.awt.image.BufferedImage> imgs = new ArrayList<>();
            for (int i = 0; i < 20; i++) imgs.add(dev.originality.shapes.Renderer.render(DetectorEvaluation.scene(12, i), 64));
            var all = d.detectAll(imgs, 0);
            var strict = d.detectAll(imgs, 0.9);
            for (int i = 0; i < imgs.size(); i++) {
                assertThat(strict.get(i)).isSubsetOf(all.get(i));
                assertThat(strict.get(i)).allMatch(x -> x.confidence() >= 0.9);
            }
            assertThatThrownBy(() -> d.detect(imgs.get(0), 1.5)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
