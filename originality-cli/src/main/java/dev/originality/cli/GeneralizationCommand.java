package dev.originality.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.experiments.GeneralizationPreset;
import dev.originality.experiments.GeneralizationStudy;
import dev.originality.measure.detect.ShapeDetector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Fig. 3: generalization to held-out elements against training-data diversity. */
@Command(name = "generalization", mixinStandardHelpOptions = true,
        description = {"Train a model per diversity level (span-4 … span-60, two elements held out) and count how often each generates "
                + "the missing elements from the empty prompt and from a prompt naming them (paper Fig. 3, App. B.2).",
                "Writes DIR/summary.json, generalization.png/.svg, report.html and per level level-L/{dataset,model,evaluation.json}; "
                        + "--resume keeps every finished dataset, model and evaluation and continues a model from its checkpoint."})
final class GeneralizationCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--levels", split = ",", defaultValue = "4,8,15,30,60", description = "diversity levels: elements spanned (default ${DEFAULT-VALUE})")
    List<Integer> levels;

    @Option(names = "--variants", split = ",", defaultValue = GeneralizationStudy.DEFAULT_VARIANT,
            description = "size/texture of each span and of its held-out pair, averaged per level: big-full, big-empty, small-full, small-empty "
                    + "(default ${DEFAULT-VALUE}; the paper averaged all four)")
    List<String> variants;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny, cpu or paper (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--images", description = "images per generated set, empty prompt and prompted (default: the preset's; paper 1024, cpu 256)")
    Integer images;

    @Option(names = "--dataset-images", description = "training images per level (default: the preset's; paper 100000, cpu 16000)")
    Integer datasetImages;

    @Option(names = "--model-steps", description = "UNet steps per level (default: the preset's; cpu 2400). Raising it with --resume continues each model")
    Integer unetSteps;

    @Option(names = "--vae-steps", description = "VAE steps (default: the preset's; cpu 1000)")
    Integer vaeSteps;

    @Option(names = "--seed", required = true, description = "seed of datasets, training and generation")
    long seed;

    @Option(names = "--resume", description = "continue the study in DIR, keeping what is finished")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (images != null && images < 1) throw new UserError("--images must be at least 1, found " + images);
        for (Integer n : new Integer[] {datasetImages, unetSteps, vaeSteps}) {
            if (n != null && n < 1) throw new UserError("--dataset-images, --model-steps and --vae-steps must be at least 1, found " + n);
        }
        GeneralizationPreset p = GeneralizationPreset.named(preset).with(images, datasetImages, vaeSteps, unetSteps, null);
        var s = new GeneralizationStudy.Settings(levels, variants, p, p.images(), seed);
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ObjectNode prov = Provenance.of("study", spec.commandLine().getParseResult().originalArgs());
        prov.put("seed", seed);
        ObjectNode summary;
        try (ShapeDetector d = ShapeDetector.loadDefault()) {
            summary = GeneralizationStudy.run(s, d, prov, out, resume, bars(err));
        }
        o.println("level  empty prompt            prompted");
        for (JsonNode r : summary.path("results")) {
            o.printf(Locale.ROOT, "%5d  %s  %s%n", r.path("level").asInt(), cell(r.path("empty")), cell(r.path("prompted")));
        }
        JsonNode c = summary.path("checks");
        o.println("prompted above empty at every level: " + c.path("prompted_above_empty_at_every_level").asBoolean()
                + "; spearman(level, prompted) = " + c.path("spearman_level_vs_prompted").asText());
        o.println("report: " + out.resolve("report.html"));
        return 0;
    }

    private static String cell(JsonNode n) {
        return String.format(Locale.ROOT, "%5.1f%% [%4.1f, %4.1f]", 100 * n.path("frequency").asDouble(), 100 * n.path("ci95").path(0).asDouble(),
                100 * n.path("ci95").path(1).asDouble());
    }

    /** A progress bar per stage on stderr; kept stages get one line. */
    static GeneralizationStudy.Listener bars(PrintWriter err) {
        return new GeneralizationStudy.Listener() {
            @Override
            public GeneralizationStudy.Tracker start(String task, long total) {
                ProgressBar bar = Progress.bar(task, total);
                return new GeneralizationStudy.Tracker() {
                    @Override
                    public void stepTo(long done, String message) {
                        bar.stepTo(done);
                        bar.setExtraMessage(message);
                    }

                    @Override
                    public void close() {
                        bar.close();
                    }
                };
            }

            @Override
            public void kept(String task) {
                err.println(task + ": finished earlier, kept");
            }
        };
    }
}
