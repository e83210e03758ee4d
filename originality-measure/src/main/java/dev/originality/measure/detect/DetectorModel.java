package dev.originality.measure.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A detector on disk: {@code config.json} (segmenter and classifier configs, training provenance)
 * and {@code model.safetensors} (the classifier's float32 weights). Weights live here as plain
 * Java arrays; {@link ShapeDetector} and the trainer turn them into tensors.
 */
public record DetectorModel(SegmenterConfig segmenter, ClassifierConfig classifier, Map<String, float[]> weights,
                            JsonNode provenance) {
    public static final String CONFIG = "config.json", WEIGHTS = "model.safetensors", FORMAT = "originality-shape-detector";
    static final ObjectMapper JSON = new ObjectMapper();

    public DetectorModel {
        Map<String, long[]> shapes = classifier.parameterShapes();
        if (!shapes.keySet().equals(weights.keySet())) {
            throw new IllegalArgumentException("detector weights must be " + shapes.keySet() + ", found " + weights.keySet());
        }
        if (segmenter.cropPixels() != classifier.cropPixels()) {
            throw new IllegalArgumentException("segmenter crops " + segmenter.cropPixels() + " pixels but the classifier expects "
                    + classifier.cropPixels());
        }
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** Fresh weights: He-normal conv/linear weights, zero biases, from a seeded generator. */
    public static DetectorModel initial(SegmenterConfig s, ClassifierConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : c.parameterShapes().entrySet()) {
            long[] shape = e.getValue();
            int n = (int) count(shape);
            float[] v = new float[n];
            if (shape.length > 1) {
                double fanIn = n / (double) shape[0];
                double std = Math.sqrt(2 / fanIn);
                for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * std);
            }
            w.put(e.getKey(), v);
        }
        return new DetectorModel(s, c, w, JSON.createObjectNode());
    }

    public DetectorModel withWeights(Map<String, float[]> w, JsonNode prov) {
        return new DetectorModel(segmenter, classifier, w, prov);
    }

    /** The weights as tensors owned by {@code manager}. */
    public Map<String, NDArray> tensors(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        classifier.parameterShapes().forEach((name, shape) ->
                out.put(name, manager.create(weights.get(name), new ai.djl.ndarray.types.Shape(shape))));
        return out;
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.save(dir.resolve(WEIGHTS), tensors(m), Map.of("format", FORMAT));
        }
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("format", FORMAT);
        cfg.put("version", 1);
        cfg.set("segmenter", JSON.valueToTree(segmenter));
        cfg.set("classifier", JSON.valueToTree(classifier));
        cfg.set("training", provenance);
        AtomicFiles.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg) + "\n");
    }

    public static DetectorModel load(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG), wFile = dir.resolve(WEIGHTS);
        for (Path p : new Path[] {cfgFile, wFile}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("'" + dir + "' is not a detector model: expected " + CONFIG + " and " + WEIGHTS
                        + " in it, " + p.getFileName() + " is missing");
            }
        }
        JsonNode cfg;
        try {
            cfg = JSON.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + cfgFile + "' is not valid JSON: " + e.getMessage());
        }
        if (!FORMAT.equals(cfg.path("format").asText())) {
            throw new IllegalArgumentException("'" + cfgFile + "': expected format '" + FORMAT + "', found '" + cfg.path("format").asText() + "'");
        }
        SegmenterConfig s = JSON.treeToValue(cfg.path("segmenter"), SegmenterConfig.class);
        ClassifierConfig c = JSON.treeToValue(cfg.path("classifier"), ClassifierConfig.class);
        Map<String, float[]> w = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SafeTensors.load(wFile, m);
            dev.originality.diffusion.nn.Weights strict = new dev.originality.diffusion.nn.Weights(t, wFile.toString());
            c.parameterShapes().forEach((name, shape) -> w.put(name, strict.take(name, shape).toFloatArray()));
            strict.requireAllTaken();
        }
        return new DetectorModel(s, c, w, cfg.path("training"));
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
