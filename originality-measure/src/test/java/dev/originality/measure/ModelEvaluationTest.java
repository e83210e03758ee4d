package dev.originality.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.Presets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelEvaluationTest {
    static final Path TINY = Path.of("../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline");

    /** Mechanics on a random-weight model: shares are shares, and the training frequency is the spec's. */
    @Test
    void measuresEveryFigure() throws Exception {
        var s = new ModelEvaluation.Settings(6, 4, 4, 2, 3.0, "ddim", 5, 3);
        try (StableDiffusion sd = StableDiffusion.load(TINY); ShapeDetector d = ShapeDetector.loadDefault()) {
            ModelEvaluation.Report r = ModelEvaluation.run(sd, d, Presets.get("originality"), s, l -> { });
            for (double v : new double[] {r.roundTripExact(), r.promptedExact(), r.promptedAttributeAccuracy(), r.emptyClean(), r.commonPair()}) {
                assertThat(v).isBetween(0.0, 1.0);
            }
            // App. E.1: circle + square in 30% of the images, plus chance pairs among "other" images (at most one pair shape: none).
            assertThat(r.commonPairTraining()).isBetween(0.28, 0.32);
            assertThat(r.pair()).containsExactly("circle", "square");
            assertThat(r.lines()).hasSize(4);
            assertThat(r.promptedErrors().images()).isEqualTo(4);
        }
    }
}
