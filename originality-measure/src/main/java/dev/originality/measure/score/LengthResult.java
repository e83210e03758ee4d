package dev.originality.measure.score;

import dev.originality.measure.detect.Detection;
import java.util.List;

/**
 * How one token length did: of {@code samples} reconstructions, {@code reconstructed} hold exactly
 * the query's elements; their layouts passed or failed the in-distribution check.
 *
 * @param detections per sample, what the detector found (sample order)
 */
public record LengthResult(int tokens, int samples, int reconstructed, double[] ci95, Layouts.Check check, boolean passed,
                           List<List<Detection>> detections, double finalLoss) {
    public LengthResult {
        ci95 = ci95.clone();
        detections = List.copyOf(detections);
    }

    public double rate() {
        return reconstructed / (double) samples;
    }
}
