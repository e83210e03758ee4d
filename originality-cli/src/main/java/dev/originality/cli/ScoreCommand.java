package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.Templates;
import dev.originality.measure.clip.ClipZeroShot;
import dev.originality.measure.dreamsim.DreamSim;
import dev.originality.measure.score.RealImageJudge;
import dev.originality.measure.score.RealJudgeConfig;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Scores images: for each, DIR/&lt;name&gt;/score.json and report.html; then DIR/summary.json. A bad
 * image is reported in one line and in the summary, and the others are still scored (exit 2 at the end).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        footer = {"", "Synthetic images (default): the shape detector judges the reconstructions.",
                "Real images: --model SD-v1.x-folder --dreamsim DIR --clip DIR --init-token W; a length passes when the mean "
                        + "DreamSim distance of its reconstructions (\"a photo of S*_m\") is at most --distance-threshold and most "
                        + "edits (--edit-prompt) follow the edit by CLIP zero-shot."},
        description = "Originality score of images: the fewest learned tokens with which the model reconstructs each (1..K, or +).")
final class ScoreCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "query images (PNG, JPEG or WebP; centre-cropped and resized to the model's resolution) or folders of them")
    List<Path> inputs;

    @Option(names = "--model", paramLabel = "DIR", description = "diffusers model folder (default: the shipped models/shapes-originality-64)")
    Path model;

    @Option(names = "--detector", paramLabel = "DIR", description = "shape detector folder (default: models/detector)")
    Path detectorDir;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny, cpu, thorough or paper (default ${DEFAULT-VALUE}; see README for what each runs)")
    String preset;

    @Option(names = "--max-tokens", paramLabel = "K", description = "longest token sequence tried (default: the preset's, 5)")
    Integer maxTokens;

    @Option(names = "--samples", paramLabel = "N", description = "reconstructions per length (default: the preset's)")
    Integer samples;

    @Option(names = "--threshold", paramLabel = "TAU", description = "reconstruction rate a length needs, in (0, 1] (default 0.5)")
    Double threshold;

    @Mixin
    InversionOptions inversion = new InversionOptions();

    @Option(names = "--inference-steps", description = "denoising steps per reconstruction (default: the preset's)")
    Integer inferenceSteps;

    @Option(names = "--guidance", description = "classifier-free guidance scale of the reconstructions (default: the preset's)")
    Double guidance;

    @Option(names = "--sequential", description = "learn and judge one length at a time; stop at the first that passes")
    boolean sequential;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the inversion and of the reconstructions (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--resume", description = "keep images already scored in DIR with the same image, model and settings")
    boolean resume;

    @Option(names = "--init-token", paramLabel = "W", description = "word whose embedding starts every learned token (real images: the domain, e.g. house, painting, dog; synthetic default \"and\")")
    String initToken;

    @Option(names = "--templates", paramLabel = "object|art|FILE", description = "inversion prompt templates: synthetic, object, art (App. E.2) or a file with one per line (default: synthetic; object for real images)")
    String templates;

    @Option(names = "--dreamsim", paramLabel = "DIR", description = "DreamSim weights folder (see 'dreamsim convert'): judge real images by DreamSim distance; needs --clip")
    Path dreamsimDir;

    @Option(names = "--clip", paramLabel = "DIR", description = "transformers CLIPModel folder with its tokenizer files, for the editability check of real images")
    Path clipDir;

    @Option(names = "--edit-prompt", paramLabel = "TEXT", description = "real images: editability prompt, {} = the learned tokens (default \"" + RealJudgeConfig.DEFAULT_EDIT_PROMPT + "\")")
    String editPrompt;

    @Option(names = "--distance-threshold", paramLabel = "D", description = "real images: a length reconstructs the query when its mean DreamSim distance is at most D (default " + RealJudgeConfig.DEFAULT_DISTANCE_THRESHOLD + ")")
    Double distanceThreshold;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        boolean real = dreamsimDir != null || clipDir != null;
        RealJudgeConfig realCfg = real ? realConfig() : null;
        ScoreConfig cfg = config(real);
        Path modelDir = DefaultModel.resolve(model);
        List<Path> files = DetectCommand.expand(inputs, false);
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ObjectNode prov = Provenance.of("score", spec.commandLine().getParseResult().originalArgs());
        if (real) {
            // the judges' models first: a bad DreamSim or CLIP folder fails before the diffusion model is read
            try (NDManager m = NDManager.newBaseManager(); DreamSim dreamSim = DreamSim.load(dreamsimDir, m);
                 ClipZeroShot clip = ClipZeroShot.load(clipDir); StableDiffusion sd = StableDiffusion.load(modelDir)) {
                return run(new OriginalityScorer(sd, new RealImageJudge(sd, cfg, dreamSim, clip, realCfg), cfg), modelDir, sd, files, prov, o, err);
            }
        }
        try (StableDiffusion sd = StableDiffusion.load(modelDir);
             ShapeDetector detector = detectorDir != null ? ShapeDetector.load(detectorDir) : ShapeDetector.loadDefault()) {
            return run(new OriginalityScorer(sd, detector, cfg), modelDir, sd, files, prov, o, err);
        }
    }

    private int run(OriginalityScorer scorer, Path modelDir, StableDiffusion sd, List<Path> files, ObjectNode prov, PrintWriter o,
                    PrintWriter err) throws java.io.IOException {
        ObjectNode summary = new ScoreRun(scorer, modelDir.toString(), sd.sha256(), prov)
                .run(files, out, resume, f -> bars(f.getFileName().toString()), printer(o, err));
        return summary.path("errors").isEmpty() ? 0 : Main.EXIT_USAGE;
    }

    /** Real images are judged by DreamSim and CLIP: both folders, a real model and the domain word are needed. */
    private RealJudgeConfig realConfig() {
        if (dreamsimDir == null || clipDir == null) {
            throw new UserError("real-image scoring needs both --dreamsim DIR and --clip DIR, found only " + (dreamsimDir == null ? "--clip" : "--dreamsim"));
        }
        if (model == null) throw new UserError("real-image scoring needs --model DIR, a Stable Diffusion v1.x diffusers folder");
        if (initToken == null) {
            throw new UserError("real-image scoring needs --init-token W, the domain word every learned token starts from (e.g. house, painting, dog)");
        }
        RealJudgeConfig r = RealJudgeConfig.defaults(initToken);
        if (distanceThreshold != null) r = r.withDistanceThreshold(distanceThreshold);
        if (editPrompt != null) r = r.withEditPrompt(editPrompt);
        return r;
    }

    /** One line per image on stdout; errors as one line each on stderr. */
    static ScoreRun.Listener printer(PrintWriter o, PrintWriter err) {
        return new ScoreRun.Listener() {
            @Override
            public void onScored(Path image, Path dir, JsonNode json, boolean kept) {
                if (kept) err.println(image + ": already scored in " + dir + ", kept");
                if (json.has("query_elements") && json.path("query_elements").isEmpty()) {
                    err.println(image + ": warning: the detector found no shapes-world element in the query, so a reconstruction "
                            + "counts when it is blank too; the synthetic judge is meant for images of the shapes world");
                }
                o.printf(Locale.ROOT, "%s: %s (95%% range %s; rates %s) -> %s%n", image, json.get("verdict").asText(),
                        ScoreFiles.rangeText(json), rates(json), dir.resolve(ScoreFiles.SCORE));
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
            String value = l.has("dreamsim_mean")
                    ? String.format(Locale.ROOT, "dreamsim %.3f editability %.2f", l.path("dreamsim_mean").asDouble(), l.path("editability_rate").asDouble())
                    : String.format(Locale.ROOT, "%.2f", l.path("reconstruction_rate").asDouble());
            r.add(String.format(Locale.ROOT, "m%d %s%s", l.path("tokens").asInt(), value, l.path("in_distribution").asBoolean() ? "" : " out-of-distribution"));
        }
        return String.join(", ", r);
    }

    private ScoreConfig config(boolean real) throws java.io.IOException {
        if (!real && (editPrompt != null || distanceThreshold != null)) {
            throw new UserError("--edit-prompt and --distance-threshold judge real images: pass --dreamsim DIR and --clip DIR too");
        }
        // Bad values fail in the config records' constructors, before any model is loaded (exit 2, one line).
        ScoreConfig c = ScoreConfig.preset(preset);
        if (templates != null || real) c = c.withInversion(c.inversion().withTemplates(Templates.resolve(templates != null ? templates : "object")));
        if (initToken != null) c = c.withInversion(c.inversion().withInitToken(initToken));
        if (maxTokens != null) c = c.withInversion(c.inversion().withLengths(maxTokens));
        c = c.withInversion(inversion.apply(c.inversion()));
        if (guidance != null) c = c.withGuidance(guidance);
        if (samples != null) c = c.withSamples(samples);
        if (threshold != null) c = c.withThreshold(threshold);
        if (inferenceSteps != null) c = c.withSteps(inferenceSteps);
        return c.withSeed(seed).withSequential(sequential);
    }
}
