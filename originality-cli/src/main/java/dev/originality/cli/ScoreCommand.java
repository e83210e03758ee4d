package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.measure.score.ScoreFiles;
import dev.originality.measure.score.ScoreRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Scores images: for each, DIR/&lt;name&gt;/score.json and report.html; then DIR/summary.json. A bad
 * image is reported in one line and in the summary, and the others are still scored (exit 2 at the end).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Originality score of images: the fewest learned tokens with which the model reconstructs each (1..K, or +).")
final class ScoreCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "query images (PNG or JPEG; centre-cropped and resized to the model's resolution) or folders of them")
    List<Path> inputs;

    @Option(names = "--model", paramLabel = "DIR", description = "diffusers model folder (default: the shipped models/shapes-originality-64)")
    Path model;

    @Option(names = "--detector", paramLabel = "DIR", description = "shape detector folder (default: models/detector)")
    Path detectorDir;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny, cpu or paper (default ${DEFAULT-VALUE}; see README for what each runs)")
    String preset;

    @Option(names = "--max-tokens", paramLabel = "K", description = "longest token sequence tried (default: the preset's, 5)")
    Integer maxTokens;

    @Option(names = "--samples", paramLabel = "N", description = "reconstructions per length (default: the preset's)")
    Integer samples;

    @Option(names = "--threshold", paramLabel = "TAU", description = "reconstruction rate a length needs, in (0, 1] (default 0.5)")
    Double threshold;

    @Option(names = "--steps", description = "inversion steps (default: the preset's)")
    Integer steps;

    @Option(names = "--inference-steps", description = "denoising steps per reconstruction (default: the preset's)")
    Integer inferenceSteps;

    @Option(names = "--sequential", description = "learn and judge one length at a time; stop at the first that passes")
    boolean sequential;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the inversion and of the reconstructions (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--resume", description = "keep images already scored in DIR with the same image, model and settings")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        ScoreConfig cfg = config();
        Path modelDir = DefaultModel.resolve(model);
        List<Path> files = DetectCommand.expand(inputs, false);
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ObjectNode prov = Provenance.of("score", spec.commandLine().getParseResult().originalArgs());
        try (StableDiffusion sd = StableDiffusion.load(modelDir);
             ShapeDetector detector = detectorDir != null ? ShapeDetector.load(detectorDir) : ShapeDetector.loadDefault()) {
            OriginalityScorer scorer = new OriginalityScorer(sd, detector, cfg);
            ObjectNode summary = new ScoreRun(scorer, modelDir.toString(), sd.sha256(), prov)
                    .run(files, out, resume, f -> bars(f.getFileName().toString()), printer(o, err));
            return summary.path("errors").isEmpty() ? 0 : Main.EXIT_USAGE;
        }
    }

    /** One line per image on stdout; errors as one line each on stderr. */
    static ScoreRun.Listener printer(PrintWriter o, PrintWriter err) {
        return new ScoreRun.Listener() {
            @Override
            public void onScored(Path image, Path dir, JsonNode json, boolean kept) {
                if (kept) err.println(image + ": already scored in " + dir + ", kept");
                if (json.path("query_elements").isEmpty()) {
                    err.println(image + ": warning: the detector found no shapes-world element in the query, so a reconstruction "
                            + "counts when it is blank too; the synthetic judge is meant for images of the shapes world");
                }
                o.printf(Locale.ROOT, "%s: %s (rates %s) -> %s%n", image, json.get("verdict").asText(), rates(json), dir.resolve(ScoreFiles.SCORE));
            }

            @Override
            public void onError(Path image, String message) {
                err.println("originality score: " + message);
            }
        };
    }

    /** A progress bar per phase (inversion, reconstruction) of one image. */
    static OriginalityScorer.Progress bars(String label) {
        return new OriginalityScorer.Progress() {
            ProgressBar bar;

            @Override
            public void phase(String name, int total) {
                if (bar != null) bar.close();
                bar = Progress.bar(label + " " + name, total);
            }

            @Override
            public void step(int done, String message) {
                if (bar == null) return;
                bar.stepTo(done);
                if (!message.isEmpty()) bar.setExtraMessage(message);
                if (done >= bar.getMax()) {
                    bar.close();
                    bar = null;
                }
            }
        };
    }

    private static String rates(JsonNode json) {
        List<String> r = new ArrayList<>();
        for (JsonNode l : json.path("per_length")) {
            r.add(String.format(Locale.ROOT, "m%d %.2f%s", l.path("tokens").asInt(), l.path("reconstruction_rate").asDouble(),
                    l.path("in_distribution").asBoolean() ? "" : " out-of-distribution"));
        }
        return String.join(", ", r);
    }

    private ScoreConfig config() {
        // Bad values fail in the config records' constructors, before any model is loaded (exit 2, one line).
        ScoreConfig c = ScoreConfig.preset(preset);
        if (maxTokens != null) c = c.withInversion(c.inversion().withLengths(maxTokens));
        if (steps != null) c = c.withInversion(c.inversion().withSteps(steps));
        if (samples != null) c = c.withSamples(samples);
        if (threshold != null) c = c.withThreshold(threshold);
        if (inferenceSteps != null) c = c.withSteps(inferenceSteps);
        return c.withSeed(seed).withSequential(sequential);
    }
}
