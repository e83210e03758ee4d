package dev.originality.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import dev.originality.measure.detect.Detection;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.Element;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * One trained model's generalization (paper App. B.2): N images from the empty prompt (unguided,
 * the model's unconditional distribution) and N from prompts naming a missing element (image i
 * names missing element i mod |missing|, guided), counted with the detector. Writes into the
 * level folder: evaluation.json (the key it was made with, per-image counts, frequencies),
 * detections.jsonl (every image's detected elements) and samples/ (the first images of each set).
 */
final class MissingElementEvaluation {
    static final String FILE = "evaluation.json";
    /** Images of each set kept as PNG for the report's grids (Fig. 13). */
    static final int SAMPLES = 8;
    /** Start noise of empty-set image i is seed + EMPTY_SEEDS + i; of prompted image i, seed + PROMPTED_SEEDS + i (the same at every level). */
    static final long EMPTY_SEEDS = 1_000_000, PROMPTED_SEEDS = 2_000_000;

    private MissingElementEvaluation() {}

    /** What an evaluation depends on: a stored evaluation with another key is stale and made again. */
    static ObjectNode key(GeneralizationPreset p, int images, long seed, List<Element> missing, String modelSha256) {
        ObjectNode k = OriginalityStudy.JSON.createObjectNode();
        k.put("model_sha256", modelSha256);
        k.put("images", images);
        k.put("steps", p.steps());
        k.put("guidance", p.guidance());
        k.put("scheduler", p.scheduler());
        k.put("detector_threshold", p.detectorThreshold());
        k.put("seed", seed);
        ArrayNode m = k.putArray("missing");
        missing.forEach(e -> m.add(e.phrase()));
        return k;
    }

    static ObjectNode run(StableDiffusion sd, ShapeDetector detector, GeneralizationPreset p, int images, long seed, List<Element> missing,
                          Path dir, GeneralizationStudy.Listener listener, String task) throws IOException {
        long t0 = System.nanoTime();
        ObjectNode key = key(p, images, seed, missing, sd.sha256());
        List<String> emptyPrompts = java.util.Collections.nCopies(images, "");
        List<Element> targets = new ArrayList<>(images);
        for (int i = 0; i < images; i++) targets.add(missing.get(i % missing.size()));
        List<String> prompted = targets.stream().map(Element::phrase).toList();

        long chunks = (images + p.batch() - 1) / p.batch();
        List<BufferedImage> empty, guided;
        try (GeneralizationStudy.Tracker t = listener.start(task, 2 * chunks * p.steps())) {
            empty = generate(sd, p, emptyPrompts, seed + EMPTY_SEEDS, 1.0, done -> t.stepTo(done, " empty prompt"));
            long base = chunks * p.steps();
            guided = generate(sd, p, prompted, seed + PROMPTED_SEEDS, p.guidance(), done -> t.stepTo(base + done, " prompted"));
        }
        List<List<Detection>> emptyDet = detector.detectAll(empty, p.detectorThreshold());
        List<List<Detection>> guidedDet = detector.detectAll(guided, p.detectorThreshold());

        ObjectNode ev = OriginalityStudy.JSON.createObjectNode();
        ev.set("key", key);
        ev.set("empty", tallyJson(tally(emptyDet, i -> missing::contains)));
        ObjectNode pr = tallyJson(tally(guidedDet, i -> targets.get(i)::equals));
        ObjectNode per = pr.putObject("per_element");
        for (Element e : missing) {
            List<List<Detection>> mine = new ArrayList<>();
            for (int i = 0; i < images; i++) if (targets.get(i).equals(e)) mine.add(guidedDet.get(i));
            ObjectNode n = tallyJson(tally(mine, i -> e::equals));
            n.remove(List.of("missing_per_image", "elements_per_image"));
            per.set(e.phrase(), n);
        }
        ev.set("prompted", pr);
        ObjectNode samples = ev.putObject("samples");
        samples.set("empty", writeSamples(dir, "empty", empty, emptyDet, emptyPrompts, seed + EMPTY_SEEDS, i -> missing::contains, sd.sha256()));
        samples.set("prompted", writeSamples(dir, "prompted", guided, guidedDet, prompted, seed + PROMPTED_SEEDS, i -> targets.get(i)::equals,
                sd.sha256()));
        StringBuilder lines = new StringBuilder();
        detectionLines(lines, "empty", emptyPrompts, emptyDet, seed + EMPTY_SEEDS);
        detectionLines(lines, "prompted", prompted, guidedDet, seed + PROMPTED_SEEDS);
        AtomicFiles.writeString(dir.resolve("detections.jsonl"), lines.toString());
        ev.put("seconds", (System.nanoTime() - t0) / 1e9);
        AtomicFiles.writeString(dir.resolve(FILE), OriginalityStudy.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ev) + "\n");
        return ev;
    }

    /** The tally of one set stored in an evaluation.json ("empty" or "prompted"). */
    static MissingTally stored(JsonNode evaluation, String set) {
        JsonNode n = evaluation.path(set);
        int[] m = ints(n.path("missing_per_image")), e = ints(n.path("elements_per_image"));
        return new MissingTally(m, e);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    /** One image per prompt; image i from start noise of seed (firstSeed + i); guidance 1 = unguided. */
    private static List<BufferedImage> generate(StableDiffusion sd, GeneralizationPreset p, List<String> prompts, long firstSeed, double guidance,
                                                IntConsumer progress) {
        try (NDManager m = NDManager.newBaseManager(sd.manager().getDevice())) {
            Map<String, NDArray> contexts = new HashMap<>();
            List<NDArray> cond = new ArrayList<>(prompts.size());
            long[] seeds = new long[prompts.size()];
            for (int i = 0; i < prompts.size(); i++) {
                cond.add(contexts.computeIfAbsent(prompts.get(i), q -> TextToImage.encodePrompt(sd, q, Map.of(), 1, m)));   // [1, L, C]
                seeds[i] = firstSeed + i;
            }
            return TextToImage.drawRows(sd, cond, seeds, new TextToImage.Sampling(p.steps(), guidance, p.scheduler(), firstSeed), p.batch(), progress);
        }
    }

    /** isMissing.apply(i) tells which detections of image i count as the missing element. */
    private static MissingTally tally(List<List<Detection>> found, IntFunction<Predicate<Element>> isMissing) {
        int[] missing = new int[found.size()], elements = new int[found.size()];
        for (int i = 0; i < found.size(); i++) {
            Predicate<Element> m = isMissing.apply(i);
            elements[i] = found.get(i).size();
            missing[i] = (int) found.get(i).stream().filter(d -> m.test(d.element())).count();
        }
        return new MissingTally(missing, elements);
    }

    private static ObjectNode tallyJson(MissingTally t) {
        ObjectNode n = OriginalityStudy.JSON.createObjectNode();
        n.put("images", t.images());
        n.put("elements", t.elementsTotal());
        n.put("missing", t.missingTotal());
        n.put("frequency", t.frequency());
        n.put("image_rate", t.imageRate());
        ArrayNode m = n.putArray("missing_per_image"), e = n.putArray("elements_per_image");
        for (int i = 0; i < t.images(); i++) {
            m.add(t.missing()[i]);
            e.add(t.elements()[i]);
        }
        return n;
    }

    private static ArrayNode writeSamples(Path dir, String set, List<BufferedImage> images, List<List<Detection>> found, List<String> prompts,
                                          long firstSeed, IntFunction<Predicate<Element>> isMissing, String sha) throws IOException {
        ArrayNode out = OriginalityStudy.JSON.createArrayNode();
        for (int i = 0; i < Math.min(SAMPLES, images.size()); i++) {
            String file = String.format(Locale.ROOT, "samples/%s-%02d.png", set, i);
            PngImages.write(dir.resolve(file), images.get(i), Map.of("prompt", prompts.get(i), "seed", Long.toString(firstSeed + i), "model_sha256", sha));
            ObjectNode n = out.addObject();
            n.put("file", file);
            n.put("prompt", prompts.get(i));
            n.put("detected", String.join(", ", found.get(i).stream().map(d -> d.element().phrase()).toList()));
            Predicate<Element> m = isMissing.apply(i);
            n.put("missing_found", found.get(i).stream().anyMatch(d -> m.test(d.element())));
        }
        return out;
    }

    private static void detectionLines(StringBuilder b, String set, List<String> prompts, List<List<Detection>> found, long firstSeed)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        for (int i = 0; i < found.size(); i++) {
            ObjectNode n = OriginalityStudy.JSON.createObjectNode();
            n.put("set", set);
            n.put("index", i);
            n.put("seed", firstSeed + i);
            n.put("prompt", prompts.get(i));
            ArrayNode d = n.putArray("elements");
            for (Detection x : found.get(i)) d.add(x.element().phrase());
            b.append(OriginalityStudy.JSON.writeValueAsString(n)).append('\n');
        }
    }
}
