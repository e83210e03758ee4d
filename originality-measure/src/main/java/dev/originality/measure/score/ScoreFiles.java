package dev.originality.measure.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.PngImages;
import dev.originality.inversion.LearnedEmbeddings;
import dev.originality.inversion.MultiTokenInversion;
import dev.originality.inversion.Placeholders;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scored image on disk, in its own folder: {@code score.json} (written last, so its presence
 * means the folder is complete), {@code report.html}, {@code query.png}, the reconstructions
 * {@code m<k>/<j>.png}, any further images of the judge ({@code m<k>/edit-<j>.png}) and each length's embeddings {@code embeddings/m<k>.safetensors}
 * (diffusers learned_embeds format, reusable with {@code generate --embeddings}).
 */
public final class ScoreFiles {
    public static final String SCORE = "score.json", REPORT = "report.html";
    static final ObjectMapper JSON = new ObjectMapper();

    private ScoreFiles() {}

    /** Where the score came from: image path and hash, model path and hash, command line, tool version. */
    public record Source(String image, String imageSha256, String model, String modelSha256, ObjectNode provenance) {}

    public static ObjectNode write(Path dir, Score s, ScoreConfig c, Source src) throws IOException {
        Files.createDirectories(dir);
        PngImages.write(dir.resolve("query.png"), s.query(), Map.of("preprocessing", s.preprocessing()));
        for (var e : s.images().entrySet()) {
            Path sub = dir.resolve("m" + e.getKey());
            Files.createDirectories(sub);
            List<BufferedImage> imgs = e.getValue();
            for (int j = 0; j < imgs.size(); j++) {
                PngImages.write(sub.resolve(String.format(Locale.ROOT, "%02d.png", j)), imgs.get(j),
                        Map.of("tokens", Integer.toString(e.getKey()), "seed", Long.toString(c.seed() + j)));
            }
        }
        for (Verdict v : s.perLength()) {
            for (Verdict.Extra x : v.extras()) {
                Path sub = dir.resolve("m" + v.tokens());
                Files.createDirectories(sub);
                for (int j = 0; j < x.images().size(); j++) {
                    PngImages.write(sub.resolve(extraName(x, j)), x.images().get(j),
                            Map.of("tokens", Integer.toString(v.tokens()), "seed", Long.toString(c.seed() + j), "kind", x.prefix()));
                }
            }
        }
        Path emb = dir.resolve("embeddings");
        Files.createDirectories(emb);
        for (var e : s.embeddings().entrySet()) writeEmbeddings(emb.resolve("m" + e.getKey() + ".safetensors"), e.getKey(), e.getValue(), s.embeddingWidth(), src);
        ObjectNode json = json(s, c, src);
        AtomicFiles.writeString(dir.resolve(REPORT), ScoreReport.html(s, c, src));
        AtomicFiles.writeString(dir.resolve(SCORE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        return json;
    }

    private static void writeEmbeddings(Path file, int m, float[] v, int width, Source src) throws IOException {
        try (ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager()) {
            var t = nd.create(v, new ai.djl.ndarray.types.Shape(m, width));
            new LearnedEmbeddings(Placeholders.DEFAULT_BASE, t,
                    Map.of("tokens", Integer.toString(m), "image_sha256", src.imageSha256(), "model_sha256", src.modelSha256())).save(file);
        }
    }

    public static ObjectNode json(Score s, ScoreConfig c, Source src) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", src.image());
        o.put("image_sha256", src.imageSha256());
        o.put("model", src.model());
        o.put("model_sha256", src.modelSha256());
        if (s.minTokens() == null) o.putNull("min_tokens");
        else o.put("min_tokens", s.minTokens());
        o.put("verdict", s.verdict());
        String[] range = s.verdictRange();
        o.putArray("verdict_range_ci95").add(range[0]).add(range[1]);
        o.setAll(s.queryNote().json());
        ArrayNode per = o.putArray("per_length");
        for (Verdict r : s.perLength()) {
            ObjectNode l = per.addObject();
            l.put("tokens", r.tokens());
            l.put("passed", r.passed());
            l.putObject("passes_at_ci95").put("best", r.passesAtBest()).put("worst", r.passesAtWorst());
            l.put("samples", r.samples());
            LengthResult.putNumber(l, "final_loss", r.finalLoss());
            var chosen = s.selection().get(r.tokens());
            if (chosen != null) {                        // restarts: every chain's loss on the fixed draws, and the one kept
                ObjectNode restarts = l.putObject("restarts");
                ArrayNode eval = restarts.putArray("eval_loss");
                for (double x : chosen.evalLoss()) eval.add(x);
                restarts.put("kept", chosen.kept());
            }
            r.toJson(l);
        }
        o.put("preprocessing", s.preprocessing());
        o.set("config", JSON.valueToTree(c));
        ObjectNode judge = o.putObject("judge");
        judge.put("name", s.judge().name());
        judge.setAll(s.judge().settings());
        ObjectNode seeds = o.putObject("seeds");
        seeds.put("inversion", c.inversion().seed());
        ArrayNode samples = seeds.putArray("samples");
        for (int j = 0; j < c.samples(); j++) samples.add(c.seed() + j);
        ObjectNode secs = o.putObject("seconds");
        secs.put("inversion", Math.round(s.inversionSeconds() * 10) / 10.0);
        secs.put("reconstruction", Math.round(s.reconstructionSeconds() * 10) / 10.0);
        secs.put("total", Math.round(s.seconds() * 10) / 10.0);
        // how the work was split: changes the numbers at float rounding only, but a rerun should split it the same way
        o.putObject("execution").put("inversion_workers", MultiTokenInversion.defaultWorkers());
        o.set("provenance", src.provenance());
        return o;
    }

    /** "lo..hi" from a score.json or summary row's verdict_range_ci95; empty when it has none (older files). */
    public static String rangeText(JsonNode scored) {
        JsonNode r = scored.path("verdict_range_ci95");
        return r.isArray() ? r.path(0).asText() + ".." + r.path(1).asText() : "";
    }

    /** m&lt;k&gt;/&lt;prefix&gt;-NN.png, relative to the length's folder. */
    static String extraName(Verdict.Extra x, int j) {
        return String.format(Locale.ROOT, "%s-%02d.png", x.prefix(), j);
    }
}
