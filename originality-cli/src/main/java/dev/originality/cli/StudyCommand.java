package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.experiments.OriginalityStudy;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.shapes.Presets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The paper's studies. */
@Command(name = "study", mixinStandardHelpOptions = true, description = "Run one of the paper's studies.",
        subcommands = {StudyCommand.Originality.class, GeneralizationCommand.class})
final class StudyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("expected a study after 'study': originality or generalization (see 'originality study --help')");
    }

    /** Fig. 6: originality per frequency group. */
    @Command(name = "originality", mixinStandardHelpOptions = true,
            description = "Score fresh queries of each frequency group (common, rare, unseen pair) against a model (paper Fig. 6).")
    static final class Originality implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the shipped models/shapes-originality-64)")
        Path model;

        @Option(names = "--dataset-preset", defaultValue = "originality", description = "the world the model was trained on (default ${DEFAULT-VALUE})")
        String world;

        @Option(names = "--pairs", split = ",", defaultValue = "common,rare,unseen", description = "groups, most frequent first (default ${DEFAULT-VALUE})")
        List<String> groups;

        @Option(names = "--per-group", defaultValue = "20", description = "queries per group (default ${DEFAULT-VALUE})")
        int perGroup;

        @Option(names = "--preset", defaultValue = "cpu", description = "score preset tiny, cpu, thorough or paper (default ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--samples", paramLabel = "N", description = "reconstructions per length (default: the preset's; the paper's N is 20)")
        Integer samples;

        @Option(names = "--seed", required = true, description = "seed of the queries and of the scoring")
        long seed;

        @Option(names = "--resume", description = "keep queries already scored in DIR")
        boolean resume;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Override
        public Integer call() throws Exception {
            var s = new OriginalityStudy.Settings(Presets.get(world), groups, perGroup, seed, 64);
            ScoreConfig cfg = ScoreConfig.preset(preset).withSeed(seed);
            if (samples != null) cfg = cfg.withSamples(samples);
            Path dir = DefaultModel.resolve(model);
            PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            ObjectNode prov = Provenance.of("study", spec.commandLine().getParseResult().originalArgs());
            ObjectNode summary;
            try (StableDiffusion sd = StableDiffusion.load(dir); ShapeDetector d = ShapeDetector.loadDefault()) {
                OriginalityScorer scorer = new OriginalityScorer(sd, d, cfg);
                summary = OriginalityStudy.run(s, scorer, dir.toString(), sd.sha256(), prov, out, resume,
                        f -> ScoreCommand.bars(f.getParent().getFileName() + "/" + f.getFileName()), ScoreCommand.printer(o, err));
            }
            for (String g : s.groups()) {
                JsonNode n = summary.path("groups").path(g);
                o.printf(Locale.ROOT, "%-7s %s: median %s, mean %.2f, verdicts %s%n", g, n.path("pair").asText(), n.path("median").asText(),
                        n.path("mean").asDouble(), n.path("verdicts"));
            }
            o.println("spearman(group, min tokens) = " + summary.path("spearman_group_vs_min_tokens").asText());
            o.println("report: " + out.resolve("report.html"));
            return summary.path("errors").isEmpty() ? 0 : 1;
        }
    }
}
