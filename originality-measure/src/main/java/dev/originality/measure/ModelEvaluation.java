package dev.originality.measure;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Element;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import dev.originality.shapes.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How good a trained shapes model is, counted by the detector on images it never trained on:
 * VAE round trips of fresh renders, generations from fresh captions, and empty-prompt generations
 * (clean images; how often the common pair appears versus its training frequency).
 */
public final class ModelEvaluation {
    /**
     * @param seed scene seed of the fresh images (the training data used its own); generation i uses seed + i
     */
    public record Settings(int roundTrips, int prompted, int empty, int steps, double guidance, String scheduler, long seed, int batch) {
        public static final Settings DEFAULT = new Settings(500, 200, 200, 25, 7.5, "ddim", 2001, 50);

        public Settings {
            if (roundTrips < 1 || prompted < 1 || empty < 1 || steps < 1 || batch < 1) {
                throw new IllegalArgumentException("counts, steps and batch must be positive");
            }
        }
    }

    /** Shares in [0, 1]; commonPairTraining: share of training-distribution scenes holding both pair shapes. */
    public record Report(Settings settings, double roundTripExact, double promptedExact, double promptedAttributeAccuracy,
                         ErrorBreakdown promptedErrors, double emptyClean, double commonPair, double commonPairTraining, double emptyElementsPerImage,
                         List<String> pair, double seconds) {
        public List<String> lines() {
            return List.of(
                    String.format(Locale.ROOT, "VAE round trip (%d fresh renders): exact element multiset %.1f%%", settings.roundTrips(), 100 * roundTripExact),
                    String.format(Locale.ROOT, "prompted (%d fresh captions, %d %s steps, guidance %.1f): exact multiset %.1f%%, element accuracy %.1f%%",
                            settings.prompted(), settings.steps(), settings.scheduler(), settings.guidance(), 100 * promptedExact, 100 * promptedAttributeAccuracy),
                    "prompted " + promptedErrors.line(),
                    String.format(Locale.ROOT, "empty prompt (%d images): all blobs confident elements in %.1f%%, %.2f elements per image, "
                            + "%s + %s together in %.1f%% (training distribution: %.1f%%)", settings.empty(), 100 * emptyClean, emptyElementsPerImage,
                            pair.get(0), pair.get(1), 100 * commonPair, 100 * commonPairTraining));
        }
    }

    private ModelEvaluation() {}

    public static Report run(StableDiffusion sd, ShapeDetector detector, DatasetSpec spec, Settings s, Consumer<String> log) {
        return run(sd, detector, spec, s, log, (caption, image, found) -> { });
    }

    /** What a prompted generation produced, for inspection: its caption, the image and the detector's elements. */
    public interface PromptedSink {
        void accept(String caption, BufferedImage image, List<Element> found);
    }

    public static Report run(StableDiffusion sd, ShapeDetector detector, DatasetSpec spec, Settings s, Consumer<String> log, PromptedSink sink) {
        long t0 = System.nanoTime();
        int side = sd.imageSize();
        SceneSampler sampler = new SceneSampler(spec, side);
        var pairRule = spec.pairs().get(0);
        Shape a = pairRule.a(), b = pairRule.b();

        // 1. VAE round trips.
        List<Scene> rtScenes = new ArrayList<>();
        List<BufferedImage> rt = new ArrayList<>();
        for (int i = 0; i < s.roundTrips(); i++) rtScenes.add(sampler.trainingScene(s.seed(), i));
        for (int from = 0; from < s.roundTrips(); from += s.batch()) {
            int to = Math.min(s.roundTrips(), from + s.batch());
            rt.addAll(roundTrip(sd, rtScenes.subList(from, to), side));
        }
        double rtExact = exact(detector.detectAll(rt, ShapeDetector.DEFAULT_THRESHOLD), rtScenes);
        log.accept(String.format(Locale.ROOT, "round trip: %.1f%%", 100 * rtExact));

        // 2. Prompted generation from fresh captions.
        List<Scene> pScenes = new ArrayList<>();
        for (int i = 0; i < s.prompted(); i++) pScenes.add(sampler.trainingScene(s.seed() + 1, i));
        List<BufferedImage> gen = new ArrayList<>();
        for (int from = 0; from < s.prompted(); from += s.batch()) {
            int to = Math.min(s.prompted(), from + s.batch());
            gen.addAll(generate(sd, pScenes.subList(from, to).stream().map(Scene::caption).toList(), s, s.seed() + from, s.guidance()));
            log.accept("prompted: " + to + "/" + s.prompted());
        }
        var pDet = detector.detectAll(gen, ShapeDetector.DEFAULT_THRESHOLD);
        double pExact = exact(pDet, pScenes);
        List<List<Element>> wanted = new ArrayList<>(), found = new ArrayList<>();
        for (int i = 0; i < pScenes.size(); i++) {
            List<Element> want = pScenes.get(i).elementList(), got = ElementSets.elements(pDet.get(i));
            wanted.add(want);
            found.add(got);
            sink.accept(pScenes.get(i).caption(), gen.get(i), got);
        }
        ErrorBreakdown errors = ErrorBreakdown.of(wanted, found);

        // 3. Empty prompt, unguided (the paper's "empty prompt" sampling).
        List<BufferedImage> empty = new ArrayList<>();
        for (int from = 0; from < s.empty(); from += s.batch()) {
            int to = Math.min(s.empty(), from + s.batch());
            empty.addAll(generate(sd, java.util.Collections.nCopies(to - from, ""), s, s.seed() + 100_000 + from, 1.0));
            log.accept("empty prompt: " + to + "/" + s.empty());
        }
        var eAn = detector.analyseAll(empty, ShapeDetector.DEFAULT_THRESHOLD);
        int clean = 0, pair = 0, elements = 0;
        for (var an : eAn) {
            if (an.clean()) clean++;
            elements += an.detections().size();
            if (hasBoth(ElementSets.elements(an.detections()), a, b)) pair++;
        }
        int trainingPair = 0, n = 20_000;
        SceneSampler train = new SceneSampler(spec, side);
        for (int i = 0; i < n; i++) if (hasBoth(train.trainingScene(s.seed() + 2, i).elementList(), a, b)) trainingPair++;
        return new Report(s, rtExact, pExact, errors.accuracy(), errors, clean / (double) s.empty(),
                pair / (double) s.empty(), trainingPair / (double) n, elements / (double) s.empty(), List.of(a.word(), b.word()),
                (System.nanoTime() - t0) / 1e9);
    }

    static boolean hasBoth(List<Element> els, Shape a, Shape b) {
        return els.stream().anyMatch(e -> e.shape() == a) && els.stream().anyMatch(e -> e.shape() == b);
    }

    private static double exact(List<List<dev.originality.measure.detect.Detection>> found, List<Scene> truth) {
        DetectionScore score = new DetectionScore();
        for (int i = 0; i < truth.size(); i++) score.add(found.get(i), truth.get(i));
        return score.exactMatch();
    }

    /** Encode (posterior mean) and decode renders of the scenes. */
    private static List<BufferedImage> roundTrip(StableDiffusion sd, List<Scene> scenes, int side) {
        try (NDManager m = NDManager.newBaseManager(sd.manager().getDevice())) {
            float[] px = new float[scenes.size() * 3 * side * side];
            for (int i = 0; i < scenes.size(); i++) {
                BufferedImage img = Renderer.render(scenes.get(i), side);
                int plane = side * side, base = i * 3 * plane;
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++) {
                        int rgb = img.getRGB(x, y);
                        px[base + y * side + x] = ((rgb >> 16) & 255) / 127.5f - 1;
                        px[base + plane + y * side + x] = ((rgb >> 8) & 255) / 127.5f - 1;
                        px[base + 2 * plane + y * side + x] = (rgb & 255) / 127.5f - 1;
                    }
            }
            NDArray x = m.create(px, new ai.djl.ndarray.types.Shape(scenes.size(), 3, side, side));   // [B, 3, H, W] in [-1, 1]
            NDArray z = sd.vae().encode(x).mean();                                                   // [B, 4, h, w]
            NDArray y = sd.vae().decode(z).div(2f).add(0.5f).clip(0f, 1f);                           // [B, 3, H, W]
            List<BufferedImage> out = new ArrayList<>();
            for (int i = 0; i < scenes.size(); i++) out.add(PngImages.toImage(y.get(i)));
            return out;
        }
    }

    /** One image per prompt, image i from start noise of seed (firstSeed + i). */
    private static List<BufferedImage> generate(StableDiffusion sd, List<String> prompts, Settings s, long firstSeed, double guidance) {
        try (NDManager m = NDManager.newBaseManager(sd.manager().getDevice())) {
            List<NDArray> cond = new ArrayList<>();
            long[] seeds = new long[prompts.size()];
            for (int i = 0; i < prompts.size(); i++) {
                cond.add(TextToImage.encodePrompt(sd, prompts.get(i), Map.of(), 1, m));              // [1, L, C]
                seeds[i] = firstSeed + i;
            }
            return TextToImage.drawRows(sd, cond, seeds, new TextToImage.Sampling(s.steps(), guidance, s.scheduler(), firstSeed),
                    s.batch(), i -> { });
        }
    }
}
