package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.measure.score.ScoreFiles;
import dev.originality.measure.score.ScoreRun;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The first thing to run: three fresh queries of the shipped model's world — a common pair
 * (seen in 30% of its training images), a rare one (0.1%) and an unseen one — scored for originality,
 * with an index page linking each query's report. Re-running continues a stopped demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Score a common, a rare and an unseen query against the shipped model and write an HTML report.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> GROUPS = List.of("common", "rare", "unseen");

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "out/demo", paramLabel = "DIR", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--preset", defaultValue = "cpu", description = "score preset: tiny (seconds, meaningless), cpu (about 12 minutes per image on 2 cores; resumable) or paper; default ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the queries and of the scoring (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the shipped models/shapes-originality-64)")
    Path model;

    @Override
    public Integer call() throws Exception {
        ScoreConfig cfg = ScoreConfig.preset(preset).withSeed(seed);
        Path modelDir = DefaultModel.resolve(model);
        if (!Files.isRegularFile(modelDir.resolve("unet/config.json"))) {
            throw new UserError("the model in '" + modelDir + "' has no unet/ yet (see its STATUS.md for how to finish training it)");
        }
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        DatasetSpec world = Presets.get("originality");
        SceneSampler sampler = new SceneSampler(world, 64);
        Path queries = out.resolve("queries");
        Files.createDirectories(queries);
        List<Path> files = new ArrayList<>();
        for (String g : GROUPS) {
            Scene s = sampler.queryScene(world.pair(g), seed, 0);
            Path f = queries.resolve(g + ".png");
            PngImages.write(f, Renderer.render(s, 64), Map.of("group", g, "caption", s.caption(), "seed", Long.toString(seed)));
            files.add(f);
            o.println("query " + g + ": " + s.caption());
        }
        ObjectNode prov = Provenance.of("demo", spec.commandLine().getParseResult().originalArgs());
        ObjectNode summary;
        try (StableDiffusion sd = StableDiffusion.load(modelDir); ShapeDetector detector = ShapeDetector.loadDefault()) {
            OriginalityScorer scorer = new OriginalityScorer(sd, detector, cfg);
            summary = new ScoreRun(scorer, modelDir.toString(), sd.sha256(), prov)
                    .run(files, out.resolve("scores"), true, f -> ScoreCommand.bars(f.getFileName().toString()), ScoreCommand.printer(o, err));
        }
        AtomicFiles.writeString(out.resolve("index.html"), index(summary, world));
        o.println("report: " + out.resolve("index.html").toAbsolutePath());
        return summary.path("errors").isEmpty() ? 0 : 1;
    }

    private static String index(ObjectNode summary, DatasetSpec world) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>originality demo</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:60em}img{image-rendering:pixelated;width:128px}"
                + "td,th{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left}</style></head><body>\n"
                + "<h1>Originality of three queries</h1>\n<p>The model was trained on 100,000 images in which the pair circle + square "
                + "appears in 30%, circle + triangle in 0.1% and square + triangle never. The paper's finding (Fig. 6): common images "
                + "need 1 learned token, rare ones 2-3, unseen ones 4-5 or more (\"+\").</p>\n<table><tr><th>group</th><th>query</th>"
                + "<th>verdict (min tokens)</th><th>reconstruction rate per length</th><th>report</th></tr>\n");
        int i = 0;
        for (JsonNode row : summary.path("images")) {
            String dir = row.path("dir").asText();
            List<String> rates = new ArrayList<>();
            for (JsonNode r : row.path("rates")) rates.add(String.format(Locale.ROOT, "%.2f", r.asDouble()));
            b.append("<tr><td>").append(GROUPS.get(Math.min(i++, GROUPS.size() - 1))).append("</td><td><img src=\"queries/").append(dir)
                    .append(".png\"></td><td><b>").append(row.path("verdict").asText()).append("</b>")
                    .append(row.has("verdict_range_ci95") ? " (95% range " + ScoreFiles.rangeText(row) + ")" : "").append("</td><td>")
                    .append(String.join(" · ", rates)).append("</td><td><a href=\"scores/").append(dir).append("/report.html\">details</a></td></tr>\n");
        }
        b.append("</table>\n<p>Command: <code>").append(dev.originality.measure.score.Html.esc(summary.path("provenance").path("command").asText()))
                .append("</code></p></body></html>\n");
        return b.toString();
    }
}
