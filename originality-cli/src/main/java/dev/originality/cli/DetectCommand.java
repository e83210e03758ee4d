package dev.originality.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.detect.Detection;
import dev.originality.measure.detect.DetectorEvaluation;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.ImageFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Finds the elements of the synthetic world in images: one line per element, or one JSON object per
 * image with --json. Folders are searched (not recursively) for PNG and JPEG files, in name order.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Find the shapes-world elements (shape, colour, size, texture, box, confidence) in images.")
final class DetectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "IMAGE_OR_DIR", arity = "0..*", description = "images, or folders of PNG/JPEG/WebP images")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--threshold", defaultValue = "0.9", description = "minimum confidence in [0, 1] (default ${DEFAULT-VALUE}, as in the paper)")
    double threshold;

    @Option(names = "--json", description = "one JSON object per image per line: {file, elements: [{shape, colour, size, texture, bbox, confidence}]}")
    boolean json;

    @Option(names = "--model", paramLabel = "DIR", description = "detector folder (default: models/detector)")
    Path model;

    @Option(names = "--evaluate", description = "instead of reading images, measure the detector on fresh renders (clean, degraded, blank) and print the figures")
    boolean evaluate;

    @Override
    public Integer call() throws Exception {
        if (!(threshold >= 0 && threshold <= 1)) throw new UserError("--threshold must be in [0, 1], found " + threshold);
        if (!evaluate && inputs.isEmpty()) throw new UserError("expected at least one IMAGE_OR_DIR (or --evaluate), found none");
        List<Path> files = evaluate ? List.of() : expand(inputs, true);
        PrintWriter out = spec.commandLine().getOut();
        try (ShapeDetector detector = model != null ? ShapeDetector.load(model) : ShapeDetector.loadDefault()) {
            if (evaluate) {
                var s = DetectorEvaluation.Settings.DEFAULT;
                DetectorEvaluation.run(detector, new DetectorEvaluation.Settings(s.count(), s.blank(), s.seed(), threshold), l -> {})
                        .lines().forEach(out::println);
                return 0;
            }
            for (Path f : files) {
                List<Detection> found = detector.detect(dev.originality.inversion.QueryImage.read(f), threshold);
                if (json) {
                    out.println(Provenance.JSON.writeValueAsString(toJson(f, found)));
                } else if (found.isEmpty()) {
                    out.println(f + ": no elements");
                } else {
                    for (Detection d : found) out.println(f + ": " + d);
                }
            }
        }
        return 0;
    }

    static ObjectNode toJson(Path file, List<Detection> found) {
        ObjectNode o = Provenance.JSON.createObjectNode();
        o.put("file", file.toString());
        ArrayNode els = o.putArray("elements");
        for (Detection d : found) {
            ObjectNode e = els.addObject();
            e.put("shape", d.shape().word());
            e.put("colour", d.colour().word());
            e.put("size", d.size().word());
            e.put("texture", d.texture().word());
            ArrayNode box = e.putArray("bbox");
            for (int v : d.bbox()) box.add(v);
            e.put("confidence", Math.round(d.confidence() * 1e4) / 1e4);
        }
        return o;
    }

    /**
     * Files as given; folders replaced by their PNG/JPEG/WebP files in name order. A folder without images of
     * its own but with an {@code images/} folder (what {@code queries} and {@code dataset} write, beside their
     * {@code metadata.jsonl}) stands for that folder's images. A path that is neither is an error when strict,
     * else kept (so that a batch reports it and goes on with the rest).
     */
    static List<Path> expand(List<Path> inputs, boolean strict) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                List<Path> imgs = imagesIn(p);
                if (imgs.isEmpty() && Files.isDirectory(p.resolve(ImageFolder.IMAGES))) imgs = imagesIn(p.resolve(ImageFolder.IMAGES));
                if (imgs.isEmpty()) throw new UserError("expected PNG, JPEG or WebP images in folder '" + p + "', found none");
                out.addAll(imgs);
            } else if (Files.isRegularFile(p) || !strict) {
                out.add(p);
            } else {
                throw new UserError("expected an image file or a folder, found nothing at '" + p + "'");
            }
        }
        return out;
    }

    private static List<Path> imagesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> isImage(f) && Files.isRegularFile(f)).sorted().toList();
        }
    }

    private static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".webp");
    }

}
