package dev.originality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.ImageFolder;
import dev.originality.shapes.PairRule;
import dev.originality.shapes.Presets;
import dev.originality.shapes.SceneSampler;
import dev.originality.shapes.Shape;
import dev.originality.shapes.SpecJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "queries", mixinStandardHelpOptions = true,
        description = "Write fresh query images of one frequency group (exactly its pair, random colours and positions) "
                + "from their own random stream: never copies of training images.")
final class QueriesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    static final class Which {
        @Option(names = "--group", description = "a group of the spec's pairs: common, rare, unseen for the originality presets")
        String group;

        @Option(names = "--pair", split = ",", paramLabel = "SHAPE", description = "any two shapes, e.g. circle,triangle")
        List<String> pair;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--preset", defaultValue = "originality",
            description = "spec whose elements (and, for fixed-location, positions) the queries use (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--spec", paramLabel = "FILE.json", description = "a dataset spec file instead of a preset")
    Path specFile;

    @Option(names = "--count", required = true, description = "number of query images")
    int count;

    @Option(names = "--size", defaultValue = "64", description = "image side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", required = true, description = "random seed")
    long seed;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--overwrite", description = "replace a non-empty output folder")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (count <= 0) throw new UserError("--count must be positive, found " + count);
        DatasetSpec ds = specFile != null ? DatasetCommand.readSpec(specFile) : Presets.get(preset);
        PairRule pair;
        if (which.group != null) {
            pair = ds.pair(which.group);
        } else {
            if (which.pair.size() != 2) throw new UserError("--pair needs two shapes, found " + which.pair.size());
            Shape a = Shape.parse(which.pair.get(0)), b = Shape.parse(which.pair.get(1));
            pair = ds.pairs().stream().filter(p -> p.matches(a, b)).findFirst()
                    .orElse(new PairRule(a.word() + "+" + b.word(), a, b, 0));
        }
        SceneSampler sampler = new SceneSampler(ds, size);
        ObjectNode prov = Provenance.of("queries", spec.commandLine().getParseResult().originalArgs());
        prov.put("seed", seed);
        prov.put("group", pair.group());
        prov.set("spec", SpecJson.toJson(ds));
        ImageFolder.write(out, overwrite, count, size, i -> sampler.queryScene(pair, seed, i), prov, n -> { });
        spec.commandLine().getOut().printf("wrote %d '%s' queries (%s + %s) to %s%n", count, pair.group(), pair.a().word(), pair.b().word(), out);
        return 0;
    }
}
