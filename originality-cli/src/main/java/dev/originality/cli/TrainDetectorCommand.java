package dev.originality.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.detect.DetectorCard;
import dev.originality.measure.detect.DetectorEvaluation;
import dev.originality.measure.detect.DetectorTrainer;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.detect.TrainPreset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Re-makes the shape detector from rendered scenes, measures it on fresh seeds and writes its card. */
@Command(name = "train-detector", mixinStandardHelpOptions = true,
        description = "Train the shape detector on damaged renders, measure it on fresh ones, write model + card to DIR.")
final class TrainDetectorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny or cpu (the shipped model); default ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--seed", defaultValue = "1", description = "training seed (default ${DEFAULT-VALUE}; the evaluation uses its own, " + DetectorEvaluation.DEFAULT_SEED + ")")
    long seed;

    @Option(names = "--eval-images", defaultValue = "2000", description = "fresh images per evaluation condition (default ${DEFAULT-VALUE})")
    int evalImages;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (config.json, model.safetensors, README.md, evaluation.json)")
    Path out;

    @Override
    public Integer call() throws Exception {
        TrainPreset p = TrainPreset.get(preset);
        if (evalImages < 1) throw new UserError("--eval-images must be positive, found " + evalImages);
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode prov = Provenance.of("train-detector", spec.commandLine().getParseResult().originalArgs());
        DetectorTrainer.Result r = new DetectorTrainer(p).train(seed, err::println);
        r.model().save(out);
        var s = DetectorEvaluation.Settings.DEFAULT;
        DetectorEvaluation.Report report;
        try (ShapeDetector d = new ShapeDetector(r.model())) {
            report = DetectorEvaluation.run(d, new DetectorEvaluation.Settings(evalImages, Math.min(s.blank(), evalImages), s.seed(), s.threshold()),
                    err::println);
        }
        DetectorCard.write(out, r, report, prov.path("command").asText());
        report.lines().forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().printf("wrote %s (%d crops, %.0f s data, %.0f s training)%n", out, r.samples(), r.dataSeconds(), r.trainSeconds());
        return 0;
    }
}
