package dev.originality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.ModelEvaluation;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Presets;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Measures a trained shapes model with the detector; with --card records the figures beside it (evaluation/quality.json, README section). */
@Command(name = "evaluate-model", mixinStandardHelpOptions = true,
        description = "Measure a shapes model with the detector: VAE round trips, prompted and empty-prompt generation.")
final class EvaluateModelCommand implements Callable<Integer> {
    static final String BEGIN = "<!-- quality:begin -->", END = "<!-- quality:end -->";

    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the shipped models/shapes-originality-64)")
    Path model;

    @Option(names = "--preset", defaultValue = "originality", description = "the dataset preset the model was trained on (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--round-trips", defaultValue = "500") int roundTrips;
    @Option(names = "--prompted", defaultValue = "200") int prompted;
    @Option(names = "--empty", defaultValue = "200") int empty;
    @Option(names = "--steps", defaultValue = "25", description = "DDIM steps per generation (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--guidance", defaultValue = "7.5", description = "guidance of the prompted generations (default ${DEFAULT-VALUE})") double guidance;
    @Option(names = "--seed", defaultValue = "2001", description = "seed of the fresh scenes and generations (default ${DEFAULT-VALUE})") long seed;

    @Option(names = "--card", description = "record the figures in the model folder: evaluation/quality.json and README.md")
    boolean card;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON to FILE")
    Path json;

    @Option(names = "--save-prompted", paramLabel = "DIR",
            description = "also write the prompted generations to DIR (NNNN.png and prompted.tsv: file, caption, detected elements)")
    Path savePrompted;

    @Override
    public Integer call() throws Exception {
        Path dir = DefaultModel.resolve(model);
        DatasetSpec spec = Presets.get(preset);
        var s = new ModelEvaluation.Settings(roundTrips, prompted, empty, steps, guidance, "ddim", seed, 50);
        PrintWriter out = spec().getOut(), err = spec().getErr();
        ObjectNode prov = Provenance.of("evaluate-model", spec().getParseResult().originalArgs());
        ModelEvaluation.Report r;
        try (StableDiffusion sd = StableDiffusion.load(dir); ShapeDetector d = ShapeDetector.loadDefault()) {
            List<String> rows = new ArrayList<>();
            if (savePrompted != null) Files.createDirectories(savePrompted);
            r = ModelEvaluation.run(sd, d, spec, s, err::println, (caption, image, found) -> {
                if (savePrompted == null) return;
                String file = String.format(java.util.Locale.ROOT, "%04d.png", rows.size());
                try {
                    dev.originality.diffusion.io.PngImages.write(savePrompted.resolve(file), image, java.util.Map.of("caption", caption));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                rows.add(file + "\t" + caption + "\t" + String.join(" and ", found.stream().map(dev.originality.shapes.Element::phrase).toList()));
            });
            if (savePrompted != null) AtomicFiles.writeString(savePrompted.resolve("prompted.tsv"), "file\tcaption\tdetected\n" + String.join("\n", rows) + "\n");
            ObjectNode j = Provenance.JSON.valueToTree(r);
            j.set("provenance", prov);
            j.put("model_sha256", sd.sha256());
            // A trial with other settings must not replace the figures the card cites: the folder is written only with --card.
            String text = Provenance.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n";
            if (json != null) AtomicFiles.writeString(json, text);
            if (card) {
                Path f = dir.resolve("evaluation/quality.json");
                Files.createDirectories(f.getParent());
                AtomicFiles.writeString(f, text);
            }
        }
        r.lines().forEach(out::println);
        if (card) {
            Path readme = dir.resolve("README.md");
            // The training card's placeholder gives way to the measured section.
            String text = Files.isRegularFile(readme) ? Files.readString(readme).replace("## Quality\n\nNot measured yet.\n", "") : "";
            String section = BEGIN + "\n## Quality (measured with the shape detector on images it never trained on)\n\n"
                    + String.join("\n", r.lines().stream().map(l -> "- " + l).toList())
                    + String.format(java.util.Locale.ROOT, "\n\nMade by `%s` in %.0f s; figures in `evaluation/quality.json`.%n", prov.path("command").asText(), r.seconds())
                    + END + "\n";
            int a = text.indexOf(BEGIN), b = text.indexOf(END);
            text = a >= 0 && b > a ? text.substring(0, a) + section + text.substring(b + END.length()).stripLeading()
                    : text + (text.isEmpty() || text.endsWith("\n") ? "\n" : "\n\n") + section;
            AtomicFiles.writeString(readme, text);
        }
        return 0;
    }

    private picocli.CommandLine spec() {
        return spec.commandLine();
    }
}
