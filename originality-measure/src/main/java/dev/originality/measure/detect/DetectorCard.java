package dev.originality.measure.detect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.measure.DetectionScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The detector's card: README.md (what it is, how it was made, what it measured) and evaluation.json. */
public final class DetectorCard {
    public static final String EVALUATION = "evaluation.json";

    private DetectorCard() {}

    public static void write(Path dir, DetectorTrainer.Result r, DetectorEvaluation.Report e, String command) throws IOException {
        ObjectNode j = DetectorModel.JSON.createObjectNode();
        j.put("command", command);
        j.put("evaluation_seed", DetectorEvaluation.DEFAULT_SEED);
        j.set("clean", score(e.clean()));
        j.set("degraded", score(e.degraded()));
        j.put("blank_images", e.blankImages());
        j.put("blank_detections", e.blankDetections());
        j.put("damaged_blank_detections", e.noisyBlankDetections());
        j.put("images_per_second", Math.round(e.imagesPerSecond()));
        j.put("images_per_second_batched", Math.round(e.batchedImagesPerSecond()));
        j.put("threads", Runtime.getRuntime().availableProcessors());
        AtomicFiles.writeString(dir.resolve(EVALUATION), DetectorModel.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n");
        AtomicFiles.writeString(dir.resolve("README.md"), markdown(r, e, command));
    }

    static ObjectNode score(DetectionScore s) {
        ObjectNode o = DetectorModel.JSON.createObjectNode();
        o.put("images", s.images());
        o.put("exact_match", s.exactMatch());
        o.put("shape_accuracy", s.shapeAccuracy());
        o.put("colour_accuracy", s.colourAccuracy());
        o.put("size_accuracy", s.sizeAccuracy());
        o.put("texture_accuracy", s.textureAccuracy());
        o.put("min_attribute_accuracy", s.minAttributeAccuracy());
        o.put("detections", s.detections());
        o.put("precision", s.precision());
        return o;
    }

    private static String markdown(DetectorTrainer.Result r, DetectorEvaluation.Report e, String command) {
        TrainPreset p = TrainPreset.get(r.model().provenance().path("preset").asText("cpu"));
        long seed = r.model().provenance().path("seed").asLong();
        return String.format(Locale.ROOT, """
                # Shape detector (preset `%s`, seed %d)

                The evaluation instrument of the synthetic studies (the paper used a fine-tuned YOLOv8 with
                confidence ≥ 0.9, App. B.1). Two stages: colour segmentation of the image into blobs (per pixel
                the dominant channel gives the colour, darkness (1 − luma) relative to the colour's own gives the "ink"; greys are no colour; 3x3 smoothing, hysteresis thresholds %.2f/%.2f,
                4-connected components of at least %.0f px at 64x64), then a small CNN (3 conv stages %d/%d/%d,
                hidden %d, %d parameters) on a %dx%d crop of each blob's ink that names its shape or "not an
                element", its size and its texture. Confidence = product of the three softmax maxima and the
                blob's colour purity; detections below 0.9 are dropped.

                ## Training data
                %d renders of the `span-60` world (all 60 elements) with seed %d, %.0f%% with up to 6 elements
                instead of 4, %.0f%% with touching elements, 20%% at 48/96/128 px instead of 64; damaged like
                generated images: affine warp (±%.0f°, ±%.0f%% scale/shear) with an elastic ripple, colour
                fading, blur σ ≤ %.1f px, Gaussian noise σ ≤ %.2f, JPEG quality %d-%d (%.0f%% kept clean).
                Each blob is labelled with the truth element its box overlaps best; %d crops in all,
                %d epochs, batch %d, Adam lr %.0e with cosine decay.

                Made by:

                ```
                %s
                ```

                ## Measured (fresh scenes, seed %d, never used in training)
                | condition | images | exact multiset match | shape | colour | size | texture | precision (conf ≥ 0.9) |
                |---|---|---|---|---|---|---|---|
                %s
                %s

                Blank images: %d detections on %d white images, %d on %d white images with the degradation.
                Speed: %.0f images/s one at a time, %.0f images/s in batches of 64 (64x64, %d threads).

                Degraded = blur σ uniform in [0, 1] px, Gaussian noise σ = 0.05, JPEG quality 60.
                Reproduce the figures with `originality detect --evaluate --model DIR`.
                """,
                p.name(), seed, p.segmenter().inkThreshold(), p.segmenter().growThreshold(), p.segmenter().minArea(), p.classifier().channels1(),
                p.classifier().channels2(), p.classifier().channels3(), p.classifier().hidden(), parameters(p.classifier()),
                p.classifier().cropPixels(), p.classifier().cropPixels(),
                p.images(), seed, 100 * p.sixElementRate(), 100 * p.touchingRate(),
                p.degradation().rotationDeg(), 100 * p.degradation().scaleJitter(), p.degradation().blurMax(),
                p.degradation().noiseMax(), p.degradation().jpegMin(), p.degradation().jpegMax(), 100 * p.degradation().cleanProbability(),
                r.samples(), p.epochs(), p.batchSize(), p.learningRate(), command, DetectorEvaluation.DEFAULT_SEED,
                row("clean", e.clean()), row("degraded", e.degraded()),
                e.blankDetections(), e.blankImages(), e.noisyBlankDetections(), e.blankImages(),
                e.imagesPerSecond(), e.batchedImagesPerSecond(), Runtime.getRuntime().availableProcessors());
    }

    private static String row(String name, DetectionScore s) {
        return String.format(Locale.ROOT, "| %s | %d | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.2f%% | %.2f%% |", name, s.images(),
                100 * s.exactMatch(), 100 * s.shapeAccuracy(), 100 * s.colourAccuracy(), 100 * s.sizeAccuracy(),
                100 * s.textureAccuracy(), 100 * s.precision());
    }

    static long parameters(ClassifierConfig c) {
        return c.parameterShapes().values().stream().mapToLong(DetectorModel::count).sum();
    }
}
