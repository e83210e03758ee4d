package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.PngImages;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.Score;
import dev.originality.measure.score.ScoreRun;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.PairRule;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The paper's originality study (§5, Fig. 6): fresh queries of each frequency group (exactly the
 * group's pair, random colours and places) scored against a model trained on the spec's world.
 * Generic pairs should need few tokens, rare ones more, unseen ones the most or "+".
 * Layout of DIR: queries/&lt;group&gt;/NN.png, scores/&lt;group&gt;/NN/ (see ScoreFiles), results.jsonl,
 * summary.json, summary.md (the tables as Markdown, for a paper or a README), originality.png/.svg, report.html.
 * Finished queries are kept on --resume.
 */
public final class OriginalityStudy {
    static final ObjectMapper JSON = new ObjectMapper();

    /** @param groups pair groups of the spec, in frequency order (most common first) */
    public record Settings(DatasetSpec spec, List<String> groups, int perGroup, long seed, int imageSize) {
        public Settings {
            if (perGroup < 1) throw new IllegalArgumentException("--per-group must be at least 1, found " + perGroup);
            if (groups.isEmpty()) throw new IllegalArgumentException("expected at least one pair group, found none");
            for (String g : groups) spec.pair(g);   // fails on an unknown group
            groups = List.copyOf(groups);
        }
    }

    /**
     * One query's outcome; verdictRank is min tokens, or K + 1 for "+"; range is the verdict's 95% range (lowest, highest);
     * seconds the score's wall time (null when unknown).
     */
    public record Row(String group, int index, String caption, String verdict, int verdictRank, List<Double> rates, List<String> range,
                      Double seconds) {}

    private OriginalityStudy() {}

    public static ObjectNode run(Settings s, OriginalityScorer scorer, String model, String modelSha256, ObjectNode provenance, Path out,
                                 boolean resume, Function<Path, OriginalityScorer.Progress> progress, ScoreRun.Listener listener) throws IOException {
        SceneSampler sampler = new SceneSampler(s.spec(), s.imageSize());
        int k = scorer.config().maxTokens();
        List<Row> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String g : s.groups()) {
            PairRule pair = s.spec().pair(g);
            Path qdir = out.resolve("queries").resolve(g);
            Files.createDirectories(qdir);
            List<Path> files = new ArrayList<>();
            List<Scene> scenes = new ArrayList<>();
            for (int i = 0; i < s.perGroup(); i++) {
                Scene q = sampler.queryScene(pair, s.seed(), i);
                Path f = qdir.resolve(String.format(Locale.ROOT, "%02d.png", i));
                if (!Files.isRegularFile(f)) {
                    PngImages.write(f, Renderer.render(q, s.imageSize()), Map.of("group", g, "caption", q.caption(), "seed", Long.toString(s.seed()),
                            "index", Integer.toString(i)));
                }
                files.add(f);
                scenes.add(q);
            }
            ObjectNode sum = new ScoreRun(scorer, model, modelSha256, provenance)
                    .run(files, out.resolve("scores").resolve(g), resume, progress, listener);
            for (JsonNode e : sum.path("errors")) errors.add(e.path("image").asText() + ": " + e.path("error").asText());
            for (JsonNode r : sum.path("images")) {
                int i = Integer.parseInt(r.path("dir").asText());
                List<Double> rates = new ArrayList<>();
                r.path("rates").forEach(x -> rates.add(x.asDouble()));
                String v = r.path("verdict").asText();
                List<String> range = new ArrayList<>();
                r.path("verdict_range_ci95").forEach(x -> range.add(x.asText()));
                rows.add(new Row(g, i, scenes.get(i).caption(), v, Score.verdictRank(v, k), rates, range,
                        r.path("seconds").isNumber() ? r.path("seconds").asDouble() : null));
            }
        }
        StringBuilder jsonl = new StringBuilder();
        for (Row r : rows) jsonl.append(JSON.writeValueAsString(r)).append('\n');
        AtomicFiles.writeString(out.resolve("results.jsonl"), jsonl.toString());
        ObjectNode summary = summary(s, rows, k, errors);
        summary.set("provenance", provenance);
        summary.put("model", model);
        summary.put("model_sha256", modelSha256);
        summary.set("config", JSON.valueToTree(scorer.config()));
        AtomicFiles.writeString(out.resolve("summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        StudyPlots.originality(out.resolve("originality"), s.groups(), rows, k);
        AtomicFiles.writeString(out.resolve("report.html"), StudyReport.originality(s, rows, summary, k));
        AtomicFiles.writeString(out.resolve("summary.md"), StudyReport.originalityMarkdown(s, rows, summary, k));
        return summary;
    }

    /** Per group: verdict counts, median and mean min tokens ("+" counted as K + 1); Spearman between group order and min tokens. */
    static ObjectNode summary(Settings s, List<Row> rows, int k, List<String> errors) {
        ObjectNode o = JSON.createObjectNode();
        o.put("max_tokens", k);
        o.put("plus_counts_as", k + 1);
        ObjectNode groups = o.putObject("groups");
        for (String g : s.groups()) {
            PairRule p = s.spec().pair(g);
            double[] v = rows.stream().filter(r -> r.group().equals(g)).mapToDouble(Row::verdictRank).sorted().toArray();
            ObjectNode n = groups.putObject(g);
            n.put("pair", p.a().word() + " + " + p.b().word());
            n.put("training_fraction", p.fraction());
            n.put("queries", v.length);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int m = 1; m <= k; m++) counts.put(Integer.toString(m), 0);
            counts.put("+", 0);
            for (double x : v) counts.merge(x > k ? "+" : Integer.toString((int) x), 1, Integer::sum);
            n.set("verdicts", JSON.valueToTree(counts));
            double med = median(v);
            n.put("median", v.length == 0 ? null : med > k ? "+" : fmt(med));
            if (v.length > 0) n.put("mean", Arrays.stream(v).average().orElseThrow());
        }
        double[] x = rows.stream().mapToDouble(r -> s.groups().indexOf(r.group())).toArray();
        double[] y = rows.stream().mapToDouble(Row::verdictRank).toArray();
        double rho = Spearman.rho(x, y);
        if (Double.isNaN(rho)) o.putNull("spearman_group_vs_min_tokens");
        else o.put("spearman_group_vs_min_tokens", rho);
        ArrayNode err = o.putArray("errors");
        errors.forEach(err::add);
        return o;
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) return Double.NaN;
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
