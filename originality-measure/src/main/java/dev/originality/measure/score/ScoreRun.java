package dev.originality.measure.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.Hashing;
import dev.originality.inversion.QueryImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Scores many images into one folder: DIR/&lt;name&gt;/ per image (see {@link ScoreFiles}) and
 * DIR/summary.json. A bad image is recorded as an error and the rest are still scored. With
 * resume, an image whose folder already holds a score for the same bytes, model and settings is
 * kept, so a killed run continues where it stopped.
 */
public final class ScoreRun {
    public static final String SUMMARY = "summary.json";

    /** What happened to each image; call {@link #onError} and {@link #onScored} are for logging. */
    public interface Listener {
        void onScored(Path image, Path dir, JsonNode score, boolean kept);

        void onError(Path image, String message);
    }

    private final OriginalityScorer scorer;
    private final String model, modelSha256;
    private final ObjectNode provenance;
    /** The config as resume compares it: without maxBatch ({@link #withoutMaxBatch}). */
    private final JsonNode resumeConfig, judgeJson;

    public ScoreRun(OriginalityScorer scorer, String model, String modelSha256, ObjectNode provenance) {
        this.scorer = scorer;
        this.model = model;
        this.modelSha256 = modelSha256;
        this.provenance = provenance;
        try {
            this.resumeConfig = resumeKey(scorer.config());
            Judge.Description d = scorer.judge().describe();
            ObjectNode j = ScoreFiles.JSON.createObjectNode().put("name", d.name());
            j.setAll(d.settings());
            this.judgeJson = ScoreFiles.JSON.readTree(ScoreFiles.JSON.writeValueAsString(j));
        } catch (IOException e) {
            throw new IllegalStateException("score config does not serialise", e);
        }
    }

    /** Returns summary.json's content; progressFor gives each image's progress reporter. */
    public ObjectNode run(List<Path> images, Path out, boolean resume, Function<Path, OriginalityScorer.Progress> progressFor,
                          Listener listener) throws IOException {
        Files.createDirectories(out);
        ObjectNode summary = ScoreFiles.JSON.createObjectNode();
        summary.set("provenance", provenance);
        summary.put("model", model);
        summary.put("model_sha256", modelSha256);
        summary.set("config", ScoreFiles.JSON.valueToTree(scorer.config()));
        ArrayNode scored = summary.putArray("images"), failed = summary.putArray("errors");
        Set<String> names = new HashSet<>();
        for (Path f : images) {
            Path dir = out.resolve(uniqueName(f, names));
            try {
                BufferedImage img = QueryImage.read(f);
                ScoreFiles.Source src = new ScoreFiles.Source(f.toString(), Hashing.sha256(Files.readAllBytes(f)), model, modelSha256, provenance);
                JsonNode json = resume ? finished(dir, src) : null;
                boolean kept = json != null;
                if (!kept) json = ScoreFiles.write(dir, scorer.score(img, progressFor.apply(f)), scorer.config(), src);
                ObjectNode row = scored.addObject();
                row.put("image", f.toString());
                row.put("dir", dir.getFileName().toString());
                row.set("verdict", json.get("verdict"));
                row.set("verdict_range_ci95", json.get("verdict_range_ci95"));
                row.set("min_tokens", json.get("min_tokens"));
                ArrayNode rates = row.putArray("rates");
                ArrayNode distances = row.putArray("dreamsim_means");
                for (JsonNode l : json.path("per_length")) {
                    if (l.has("reconstruction_rate")) rates.add(l.path("reconstruction_rate").asDouble());
                    if (l.has("dreamsim_mean")) distances.add(l.path("dreamsim_mean"));
                }
                if (distances.isEmpty()) row.remove("dreamsim_means");
                row.set("seconds", json.path("seconds").path("total"));
                listener.onScored(f, dir, json, kept);
            } catch (IllegalArgumentException e) {
                ObjectNode row = failed.addObject();
                row.put("image", f.toString());
                row.put("error", e.getMessage());
                listener.onError(f, e.getMessage());
            }
        }
        AtomicFiles.writeString(out.resolve(SUMMARY), ScoreFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        return summary;
    }

    /** The finished score in dir when it is for the same image bytes, model and settings; else null. */
    JsonNode finished(Path dir, ScoreFiles.Source src) {
        Path f = dir.resolve(ScoreFiles.SCORE);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode j = ScoreFiles.JSON.readTree(f.toFile());
            boolean same = src.imageSha256().equals(j.path("image_sha256").asText())
                    && src.modelSha256().equals(j.path("model_sha256").asText())
                    && resumeConfig.equals(withoutMaxBatch(j.path("config")))
                    && judgeJson.equals(j.path("judge"));
            return same ? j : null;
        } catch (IOException e) {
            return null;   // unreadable: score it again
        }
    }

    /**
     * A config as resume compares it with a score.json's: written and read back (a long reads back as an int), without
     * maxBatch.
     */
    static JsonNode resumeKey(ScoreConfig config) throws IOException {
        return withoutMaxBatch(ScoreFiles.JSON.readTree(ScoreFiles.JSON.writeValueAsString(config)));
    }

    /**
     * The config without maxBatch, which only chunks the reconstructions (memory and speed; the images move by float
     * rounding, a level in a few pixels): a score kept on resume records the maxBatch it was drawn with.
     */
    static JsonNode withoutMaxBatch(JsonNode config) {
        if (!(config instanceof ObjectNode o)) return config;
        ObjectNode c = o.deepCopy();
        c.remove("maxBatch");
        return c;
    }

    /** The file's stem, made safe for a folder name and unique within the run. */
    static String uniqueName(Path f, Set<String> used) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
        String name = stem;
        for (int i = 2; !used.add(name); i++) name = stem + "-" + i;
        return name;
    }
}
