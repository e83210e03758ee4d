package dev.originality.measure.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The shipped detector (models/detector) on fresh scenes from a seed used neither in its training
 * (1) nor in its card's evaluation (1001). Smaller samples than the card's 2,000 images, so the
 * bounds leave room for sampling noise; the card holds the full figures.
 */
class ShippedDetectorTest {
    @Test
    void meetsItsAccuracyOnFreshScenes() throws Exception {
        try (ShapeDetector d = ShapeDetector.loadDefault()) {
            var r = DetectorEvaluation.run(d, new DetectorEvaluation.Settings(400, 100, 4242, 0.9), l -> { });
            assertThat(r.clean().exactMatch()).as("clean %s", r.clean()).isGreaterThanOrEqualTo(0.99);
            assertThat(r.clean().minAttributeAccuracy()).as("clean %s", r.clean()).isGreaterThanOrEqualTo(0.995);
            assertThat(r.degraded().exactMatch()).as("degraded %s", r.degraded()).isGreaterThanOrEqualTo(0.98);
            assertThat(r.clean().precision()).isGreaterThanOrEqualTo(0.99);
            assertThat(r.degraded().precision()).as("degraded %s", r.degraded()).isGreaterThanOrEqualTo(0.99);
            assertThat(r.blankDetections()).isZero();
            assertThat(r.noisyBlankDetections()).isZero();
        }
    }
}
