package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.Html;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.measure.score.ScoreFiles;
import dev.originality.measure.score.ScoreRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The first thing to run: the bundled queries of demo/ (a common, a rare and an unseen pair of the shipped model's
 * world, taken from the committed Fig. 6 study) scored for originality, a table of verdicts on the console beside
 * the verdicts the study gave them, and a page (report.html) linking each query's own report. Re-running continues a stopped demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Score the bundled common, rare and unseen queries (demo/) against the shipped model and write an HTML report.")
final class DemoCommand implements Callable<Integer> {
    static final String FOLDER = "demo";
    static final String LIST = "demo.json";
    /** The page that links each query's own report (scores/GROUP/report.html). */
    static final String REPORT = "report.html";

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-report", paramLabel = "DIR", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--preset", defaultValue = "cpu", description = "score preset: cpu (about 2 minutes an image on 2 cores), "
            + "thorough (the Fig. 6 study's, about 6.5), paper, or tiny (seconds, meaningless); default ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--seed", defaultValue = "21", description = "seed of the scoring (default ${DEFAULT-VALUE}, the study's)")
    long seed;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the shipped models/shapes-originality-64)")
    Path model;

    @Option(names = "--queries", paramLabel = "DIR", description = "a folder laid out like demo/: " + LIST + " and the images it lists (default: the bundled demo/)")
    Path queries;

    /** One bundled query and what the study said of it: "verdict (range)", null when demo.json gives none. */
    record Query(String group, Path file, String caption, String study) {}

    @Override
    public Integer call() throws Exception {
        ScoreConfig cfg = ScoreConfig.preset(preset).withSeed(seed);
        Path modelDir = DefaultModel.resolve(model);
        if (!Files.isRegularFile(modelDir.resolve("unet/config.json"))) {
            throw new UserError("the model in '" + modelDir + "' has no unet/config.json: expected a diffusers folder");
        }
        Path dir = queries != null ? queries : DefaultModel.inRepo(FOLDER);
        if (dir == null) throw new UserError("no --queries given and no bundled " + FOLDER + "/ folder in the working directory or beside the jar");
        JsonNode list = readList(dir);
        List<Query> qs = queries(list, dir);
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ObjectNode prov = Provenance.of("demo", spec.commandLine().getParseResult().originalArgs());
        ObjectNode summary;
        String sha;
        try (StableDiffusion sd = StableDiffusion.load(modelDir); ShapeDetector detector = ShapeDetector.loadDefault()) {
            sha = sd.sha256();
            for (Query q : qs) o.println("query " + q.group() + ": " + q.caption());
            OriginalityScorer scorer = new OriginalityScorer(sd, detector, cfg);
            summary = new ScoreRun(scorer, modelDir.toString(), sha, prov)
                    .run(qs.stream().map(Query::file).toList(), out.resolve("scores"), true, f -> ScoreCommand.bars(f.getFileName().toString()),
                            ScoreCommand.printer(o, err));
        }
        // The study's verdicts compare only when this run scored the study's model.
        boolean sameModel = sha.equals(list.path("study_model_sha256").asText());
        for (Query q : qs) Files.copy(q.file(), out.resolve(q.file().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        o.println();
        o.print(table(summary, qs, sameModel, preset));
        AtomicFiles.writeString(out.resolve(REPORT), index(summary, qs, sameModel, preset, list.path("study").asText()));
        o.println("report: " + out.resolve(REPORT).toAbsolutePath());
        return summary.path("errors").isEmpty() ? 0 : 1;
    }

    private static JsonNode readList(Path dir) {
        Path f = dir.resolve(LIST);
        if (!Files.isRegularFile(f)) throw new UserError("demo queries: expected " + f + ", found no such file");
        try {
            return Provenance.JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UserError("demo queries: expected JSON in " + f + ", found " + e.getMessage().lines().findFirst().orElse("unreadable text"));
        }
    }

    private static List<Query> queries(JsonNode list, Path dir) {
        List<Query> qs = new ArrayList<>();
        for (JsonNode q : list.path("queries")) {
            Path f = dir.resolve(q.path("file").asText());
            if (!Files.isRegularFile(f)) throw new UserError("demo queries: " + LIST + " lists '" + q.path("file").asText() + "', found no such file in " + dir);
            JsonNode r = q.path("study_range");
            String study = !q.has("study_verdict") ? null
                    : q.path("study_verdict").asText() + (r.isArray() ? " (" + r.path(0).asText() + ".." + r.path(1).asText() + ")" : "");
            qs.add(new Query(q.path("group").asText(), f, q.path("caption").asText(), study));
        }
        if (qs.isEmpty()) throw new UserError("demo queries: expected a non-empty \"queries\" list in " + dir.resolve(LIST) + ", found none");
        return qs;
    }

    /** The query a summary row scored (rows exist only for images that scored). */
    private static Query of(JsonNode row, List<Query> qs) {
        String image = row.path("image").asText();
        return qs.stream().filter(q -> q.file().toString().equals(image)).findFirst().orElseThrow();
    }

    /** The console table: one row per query, this run's verdict beside the study's. */
    static String table(ObjectNode summary, List<Query> qs, boolean sameModel, String preset) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-7s %-48s %-16s %s%n", "group", "caption", "verdict (" + preset + ")",
                sameModel ? "study (thorough preset)" : ""));
        for (JsonNode row : summary.path("images")) {
            Query q = of(row, qs);
            String v = row.path("verdict").asText() + (row.has("verdict_range_ci95") ? " (" + ScoreFiles.rangeText(row) + ")" : "");
            String study = sameModel && q.study() != null ? q.study() : "";
            b.append(String.format(Locale.ROOT, "%-7s %-48s %-16s %s%n", q.group(), q.caption(), v, study));
        }
        return b.toString();
    }

    private static String index(ObjectNode summary, List<Query> qs, boolean sameModel, String preset, String study) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>originality demo</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:64em}img{image-rendering:pixelated;width:128px}"
                + "td,th{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left}</style></head><body>\n"
                + "<h1>Originality of " + qs.size() + " queries</h1>\n<p>The shipped model was trained on 100,000 images in which the pair "
                + "circle + square appears in 30%, circle + triangle in 0.1% and square + triangle never. The paper's finding (Fig. 6): common "
                + "images need 1 learned token, rare ones 2-3, unseen ones 4-5 or more (\"+\"). Scored here with the <code>" + Html.esc(preset)
                + "</code> preset" + (sameModel ? "; the last column is the verdict the Fig. 6 study (<code>" + Html.esc(study)
                + "</code>, thorough preset, 20 samples per length) gave the same image" : "") + ".</p>\n<table><tr><th>group</th><th>query</th>"
                + "<th>verdict (min tokens)</th><th>reconstruction rate per length</th>" + (sameModel ? "<th>study verdict</th>" : "")
                + "<th>report</th></tr>\n");
        for (JsonNode row : summary.path("images")) {
            Query q = of(row, qs);
            String dir = row.path("dir").asText();
            List<String> rates = new ArrayList<>();
            for (JsonNode r : row.path("rates")) rates.add(String.format(Locale.ROOT, "%.2f", r.asDouble()));
            b.append("<tr><td>").append(Html.esc(q.group())).append("</td><td><img src=\"").append(Html.esc(q.file().getFileName().toString()))
                    .append("\" alt=\"").append(Html.esc(q.caption())).append("\"></td><td><b>").append(row.path("verdict").asText()).append("</b>")
                    .append(row.has("verdict_range_ci95") ? " (95% range " + ScoreFiles.rangeText(row) + ")" : "").append("</td><td>")
                    .append(String.join(" · ", rates)).append("</td>");
            if (sameModel) b.append("<td>").append(q.study() == null ? "" : Html.esc(q.study())).append("</td>");
            b.append("<td><a href=\"scores/").append(Html.esc(dir)).append("/report.html\">details</a></td></tr>\n");
        }
        b.append("</table>\n<p>Command: <code>").append(Html.esc(summary.path("provenance").path("command").asText()))
                .append("</code></p></body></html>\n");
        return b.toString();
    }
}
