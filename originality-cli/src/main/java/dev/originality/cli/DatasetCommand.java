package dev.originality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.DatasetStats;
import dev.originality.shapes.Element;
import dev.originality.shapes.ImageFolder;
import dev.originality.shapes.Presets;
import dev.originality.shapes.SceneSampler;
import dev.originality.shapes.SpecJson;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Write a synthetic shapes dataset as a Hugging Face imagefolder (images/, metadata.jsonl, dataset.json).")
final class DatasetCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", description = "span-4, span-8, span-15, span-30, span-60, originality, fixed-location")
    String preset;

    @Option(names = "--variant", defaultValue = "big-full",
            description = "fixed size/texture of a span preset and of its held-out pair: big-full, big-empty, small-full, small-empty (default ${DEFAULT-VALUE})")
    String variant;

    @Option(names = "--holdout", split = ",", paramLabel = "ELEMENT",
            description = "elements never drawn, e.g. \"big red full square,big blue full circle\" (replaces the preset's)")
    List<String> holdout;

    @Option(names = "--spec", paramLabel = "FILE.json", description = "a dataset spec file instead of a preset")
    Path specFile;

    @Option(names = "--count", required = true, description = "number of images")
    int count;

    @Option(names = "--size", defaultValue = "64", description = "image side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--max-elements", description = "most elements per image (paper: 4 or 6; default: the spec's)")
    Integer maxElements;

    @Option(names = "--seed", required = true, description = "random seed; the same seed gives byte-identical output")
    long seed;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--overwrite", description = "replace a non-empty output folder")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (count <= 0) throw new UserError("--count must be positive, found " + count);
        if ((preset == null) == (specFile == null)) throw new UserError("give exactly one of --preset or --spec");
        DatasetSpec ds = specFile != null ? readSpec(specFile) : Presets.get(preset, variant);
        if (holdout != null) {
            List<Element> h = new ArrayList<>();
            for (String s : holdout) h.add(Element.parse(s));
            ds = ds.withHeldOut(h);
        }
        if (maxElements != null) ds = ds.withMaxElements(maxElements);
        SceneSampler sampler = new SceneSampler(ds, size);
        // Fail on an impossible layout before creating any output.
        sampler.trainingScene(seed, 0);

        ObjectNode prov = Provenance.of("dataset", spec.commandLine().getParseResult().originalArgs());
        prov.put("seed", seed);
        prov.set("spec", SpecJson.toJson(ds));
        long t0 = System.nanoTime();
        DatasetStats stats;
        try (ProgressBar bar = Progress.bar("dataset", count)) {
            stats = ImageFolder.write(out, overwrite, count, size, i -> sampler.trainingScene(seed, i), prov, bar::stepBy);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().printf("wrote %d images to %s in %.1f s (%.0f images/s); groups: %s%n", count, out, secs,
                count / secs, groupSummary(stats, ds));
        return 0;
    }

    static DatasetSpec readSpec(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) throw new UserError("spec file '" + file + "' does not exist");
        try {
            return SpecJson.read(file);
        } catch (IllegalArgumentException e) {
            throw new UserError("spec '" + file + "': " + e.getMessage());
        }
    }

    private static String groupSummary(DatasetStats s, DatasetSpec ds) {
        StringBuilder sb = new StringBuilder("empty=" + s.group("empty"));
        ds.pairs().forEach(p -> sb.append(' ').append(p.group()).append('=').append(s.group(p.group())));
        sb.append(" other=").append(s.group("other"));
        return sb.toString();
    }
}
