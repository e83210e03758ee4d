package dev.originality.measure.detect;

import dev.originality.measure.DetectionScore;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The detector's acceptance figures on fresh span-60 scenes (≤ 4 elements, 64x64) from a seed the
 * training did not use: clean renders, damaged renders ({@link Degradation#EVALUATION}), blank
 * images, and single-image throughput. Run: {@code DetectorEvaluation [--model DIR] [--count N]
 * [--blank N] [--seed S]} or {@code originality train-detector --eval-only}.
 */
public final class DetectorEvaluation {
    /** Scenes and damage of the evaluation; the shipped model trains with seed 1. */
    public static final long DEFAULT_SEED = 1001;

    public record Settings(int count, int blank, long seed, double threshold) {
        public static final Settings DEFAULT = new Settings(2000, 500, DEFAULT_SEED, ShapeDetector.DEFAULT_THRESHOLD);

        public Settings {
            if (count < 1 || blank < 0) throw new IllegalArgumentException("count must be positive and blank non-negative, found " + count + ", " + blank);
        }
    }

    /** blankDetections: detections summed over the white images; noisyBlankDetections: over damaged white images. */
    public record Report(DetectionScore clean, DetectionScore degraded, long blankDetections, long noisyBlankDetections,
                         int blankImages, double imagesPerSecond, double batchedImagesPerSecond) {
        public List<String> lines() {
            return List.of(
                    "clean:    " + clean,
                    "degraded: " + degraded,
                    String.format(Locale.ROOT, "blank:    %d detections on %d white images, %d on %d damaged white images",
                            blankDetections, blankImages, noisyBlankDetections, blankImages),
                    String.format(Locale.ROOT, "speed:    %.0f images/s one at a time, %.0f images/s in batches of 64 (64x64, %d threads)",
                            imagesPerSecond, batchedImagesPerSecond, Runtime.getRuntime().availableProcessors()));
        }
    }

    private DetectorEvaluation() {}

    /** Scene i of the evaluation world: span-60 with at most 4 elements, at 64x64. */
    public static Scene scene(long seed, int i) {
        return sampler().trainingScene(seed, i);
    }

    private static SceneSampler sampler() {
        DatasetSpec spec = Presets.get("span-60").withMaxElements(4);
        return new SceneSampler(spec, SegmenterConfig.WORLD);
    }

    /** A damaged render of scene i (damage drawn from (seed, i) on its own stream). */
    public static BufferedImage degraded(Scene scene, long seed, int i, Degradation d) {
        return d.apply(Renderer.render(scene, SegmenterConfig.WORLD), SceneSampler.rng(seed, i, TrainingSet.STREAM)).image();
    }

    public static Report run(ShapeDetector detector, Settings s, Consumer<String> log) {
        SceneSampler sampler = sampler();
        DetectionScore clean = new DetectionScore(), degraded = new DetectionScore();
        int batch = 64;
        List<BufferedImage> cleanImgs = new ArrayList<>(), damaged = new ArrayList<>();
        List<Scene> scenes = new ArrayList<>();
        for (int i = 0; i < s.count(); i++) {
            Scene sc = sampler.trainingScene(s.seed(), i);
            scenes.add(sc);
            cleanImgs.add(Renderer.render(sc, SegmenterConfig.WORLD));
            damaged.add(degraded(sc, s.seed(), i, Degradation.EVALUATION));
        }
        for (int from = 0; from < s.count(); from += batch) {
            int to = Math.min(s.count(), from + batch);
            List<List<Detection>> c = detector.detectAll(cleanImgs.subList(from, to), s.threshold());
            List<List<Detection>> d = detector.detectAll(damaged.subList(from, to), s.threshold());
            for (int i = from; i < to; i++) {
                clean.add(c.get(i - from), scenes.get(i));
                degraded.add(d.get(i - from), scenes.get(i));
            }
        }
        log.accept("clean:    " + clean);
        log.accept("degraded: " + degraded);
        long blank = 0, noisyBlank = 0;
        BufferedImage white = white(SegmenterConfig.WORLD);
        Scene empty = new Scene(List.of(), Scene.EMPTY);
        for (int i = 0; i < s.blank(); i++) {
            blank += detector.detect(white, s.threshold()).size();
            noisyBlank += detector.detect(degraded(empty, s.seed() + 1, i, Degradation.EVALUATION), s.threshold()).size();
        }
        // Throughput: the single-image call on clean 64x64 renders, after a warm-up.
        int n = Math.min(1000, cleanImgs.size());
        for (int i = 0; i < Math.min(100, n); i++) detector.detect(cleanImgs.get(i), s.threshold());
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) detector.detect(cleanImgs.get(i), s.threshold());
        double single = n / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int from = 0; from < n; from += batch) detector.detectAll(cleanImgs.subList(from, Math.min(n, from + batch)), s.threshold());
        double batched = n / ((System.nanoTime() - t0) / 1e9);
        return new Report(clean, degraded, blank, noisyBlank, s.blank(), single, batched);
    }

    /** A white image of the given side: the world's background, nothing on it. */
    public static BufferedImage white(int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.dispose();
        return img;
    }

    public static void main(String[] args) throws Exception {
        Path model = null;
        Settings s = Settings.DEFAULT;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--count" -> s = new Settings(Integer.parseInt(v), s.blank(), s.seed(), s.threshold());
                case "--blank" -> s = new Settings(s.count(), Integer.parseInt(v), s.seed(), s.threshold());
                case "--seed" -> s = new Settings(s.count(), s.blank(), Long.parseLong(v), s.threshold());
                default -> throw new IllegalArgumentException("unknown option " + args[i] + ": expected --model, --count, --blank or --seed");
            }
        }
        try (ShapeDetector d = model == null ? ShapeDetector.loadDefault() : ShapeDetector.load(model)) {
            Report r = run(d, s, line -> {});
            r.lines().forEach(System.out::println);
        }
    }
}
