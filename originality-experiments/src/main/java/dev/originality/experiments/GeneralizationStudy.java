package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Element;
import dev.originality.shapes.ImageFolder;
import dev.originality.shapes.Presets;
import dev.originality.shapes.SceneSampler;
import dev.originality.shapes.SpecJson;
import dev.originality.training.Checkpoint;
import dev.originality.training.ImageData;
import dev.originality.training.ModelCard;
import dev.originality.training.UNetTrainer;
import dev.originality.training.VaeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The paper's generalization study (§2, Fig. 3, App. B.2): for each diversity level (span-4 … span-60)
 * and variant, render a dataset without the held-out elements, train a model on it, and count how often
 * the missing elements appear in images from the empty prompt and from a prompt naming them.
 * Layout of DIR: [shared-vae[-VARIANT]/{dataset/, model/, training.json, README.md}] (shared VAE),
 * level-L[-VARIANT]/{dataset/, model/, training.json + README.md (the model's card), evaluation.json, detections.jsonl, samples/}, timings.json, summary.json, generalization.png/.svg,
 * report.html; the default variant big-full has no suffix. Every finished dataset, model and
 * evaluation is kept; a resumed run skips them and continues a model from its last checkpoint.
 */
public final class GeneralizationStudy {
    public static final List<Integer> LEVELS = List.of(4, 8, 15, 30, 60);
    public static final String DEFAULT_VARIANT = "big-full";

    /** @param images size of each generated set (empty prompt; prompted) */
    public record Settings(List<Integer> levels, List<String> variants, GeneralizationPreset preset, int images, long seed) {
        public Settings {
            if (levels.isEmpty()) throw new IllegalArgumentException("--levels needs at least one level of " + LEVELS);
            for (int l : levels) {
                if (!LEVELS.contains(l)) throw new IllegalArgumentException("unknown level " + l + ": expected some of " + LEVELS);
            }
            if (new LinkedHashSet<>(levels).size() != levels.size()) throw new IllegalArgumentException("--levels lists a level twice: " + levels);
            if (variants.isEmpty()) throw new IllegalArgumentException("--variants needs at least one of " + Presets.VARIANTS);
            for (String v : variants) {
                if (!Presets.VARIANTS.contains(v)) throw new IllegalArgumentException("unknown variant '" + v + "': expected some of " + Presets.VARIANTS);
            }
            if (new LinkedHashSet<>(variants).size() != variants.size()) throw new IllegalArgumentException("--variants lists a variant twice: " + variants);
            if (images < 1) throw new IllegalArgumentException("--images must be at least 1, found " + images);
            levels = levels.stream().sorted().toList();
            variants = List.copyOf(variants);
        }
    }

    /** Progress of one long step (a stage of one level); closing ends it. */
    public interface Tracker extends AutoCloseable {
        void stepTo(long done, String message);

        @Override
        void close();
    }

    /** What the study reports while it runs: stages started (with their size) and stages kept from an earlier run. */
    public interface Listener {
        Tracker start(String task, long total);

        void kept(String task);

        Listener QUIET = new Listener() {
            @Override
            public Tracker start(String task, long total) {
                return new Tracker() {
                    @Override
                    public void stepTo(long done, String message) { }

                    @Override
                    public void close() { }
                };
            }

            @Override
            public void kept(String task) { }
        };
    }

    private GeneralizationStudy() {}

    static String suffix(String variant) {
        return variant.equals(DEFAULT_VARIANT) ? "" : "-" + variant;
    }

    static String levelDir(int level, String variant) {
        return "level-" + level + suffix(variant);
    }

    public static ObjectNode run(Settings s, ShapeDetector detector, ObjectNode provenance, Path out, boolean resume, Listener l) throws IOException {
        if (!resume && Files.isDirectory(out)) {
            try (var list = Files.list(out)) {
                if (list.findAny().isPresent()) {
                    throw new IllegalArgumentException("output folder '" + out + "' is not empty: pass --resume to continue the study in it, or choose another --out");
                }
            }
        }
        Files.createDirectories(out);
        Timings timings = new Timings(out.resolve("timings.json"));
        LevelRunner runner = new LevelRunner(s, provenance.path("command").asText(), timings, l);
        for (String v : s.variants()) {
            Path sharedVae = null;
            if (s.preset().sharedVae()) {
                Path root = out.resolve("shared-vae" + suffix(v));
                Path data = runner.dataset("shared-vae" + suffix(v), Presets.get("span-60", v), root.resolve("dataset"));
                runner.vae("shared-vae" + suffix(v), data, root.resolve("model"),
                        LEVELS.stream().map(level -> out.resolve(levelDir(level, v)).resolve("model")).toList());
                sharedVae = root.resolve("model/vae");
            }
            for (int level : s.levels()) {
                String name = levelDir(level, v);
                Path dir = out.resolve(name);
                DatasetSpec spec = Presets.get("span-" + level, v);
                Path data = runner.dataset(name, spec, dir.resolve("dataset"));
                Path model = dir.resolve("model");
                if (sharedVae == null) runner.vae(name, data, model, List.of(model));
                runner.unet(name, data, sharedVae != null ? sharedVae : model.resolve("vae"), model);
                evaluate(s, detector, spec.heldOut(), dir, name, timings, l);
            }
        }
        ObjectNode summary = GeneralizationSummary.of(s, out, timings.json());
        summary.set("provenance", provenance);
        AtomicFiles.writeString(out.resolve("summary.json"), OriginalityStudy.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
        StudyPlots.generalization(out.resolve("generalization"), summary);
        AtomicFiles.writeString(out.resolve("report.html"), GeneralizationReport.html(s, summary));
        return summary;
    }

    /** Kept when evaluation.json was made with the same model, sizes and seed; made again otherwise. */
    private static void evaluate(Settings s, ShapeDetector detector, List<Element> missing, Path dir, String name, Timings timings, Listener l)
            throws IOException {
        Path model = dir.resolve("model"), file = dir.resolve(MissingElementEvaluation.FILE);
        try (StableDiffusion sd = StableDiffusion.load(model)) {
            ObjectNode key = MissingElementEvaluation.key(s.preset(), s.images(), s.seed(), missing, sd.sha256());
            // Compared as read back from JSON: a long written is an int read.
            JsonNode want = OriginalityStudy.JSON.readTree(OriginalityStudy.JSON.writeValueAsString(key));
            if (Files.isRegularFile(file) && OriginalityStudy.JSON.readTree(file.toFile()).path("key").equals(want)) {
                l.kept(name + " evaluation");
                return;
            }
            long t0 = System.nanoTime();
            MissingElementEvaluation.run(sd, detector, s.preset(), s.images(), s.seed(), missing, dir, l, name + " evaluation");
            timings.put(name + "/evaluation", t0);
        }
    }

    /** The per-level stages that make a file or folder and keep it once made. */
    private record LevelRunner(Settings s, String command, Timings timings, Listener l) {
        Path dataset(String name, DatasetSpec spec, Path dir) throws IOException {
            int count = s.preset().datasetImages(), side = s.preset().train().imageSize();
            Path info = dir.resolve(ImageFolder.INFO);
            if (Files.isRegularFile(info)) {
                JsonNode d = OriginalityStudy.JSON.readTree(info.toFile());
                if (d.path("count").asInt() != count || d.path("seed").asLong() != s.seed() || d.path("image_size").asInt() != side
                        || !d.path("spec").path("name").asText().equals(spec.name())) {
                    throw new IllegalArgumentException("'" + dir + "' holds " + d.path("count").asInt() + " images of " + d.path("spec").path("name").asText()
                            + " (seed " + d.path("seed").asLong() + "), this run needs " + count + " of " + spec.name() + " (seed " + s.seed()
                            + "): choose another --out");
                }
                l.kept(name + " dataset");
                return dir;
            }
            long t0 = System.nanoTime();
            SceneSampler sampler = new SceneSampler(spec, side);
            // The standalone command that makes the same folder, and the study that made it.
            String[] sv = spec.name().split("/");
            ObjectNode prov = OriginalityStudy.JSON.createObjectNode()
                    .put("command", String.format(java.util.Locale.ROOT, "originality dataset --preset %s --variant %s --count %d --size %d --seed %d --out %s",
                            sv[0], sv[1], count, side, s.seed(), dir))
                    .put("study_command", command).put("seed", s.seed());
            prov.set("spec", SpecJson.toJson(spec));
            try (Tracker t = l.start(name + " dataset", count)) {
                long[] done = {0};
                ImageFolder.write(dir, true, count, side, i -> sampler.trainingScene(s.seed(), i), prov, n -> {
                    synchronized (done) {
                        t.stepTo(done[0] += n, "");
                    }
                });
            }
            timings.put(name + "/dataset", t0);
            return dir;
        }

        /** users: the model folders whose UNet trains on this VAE's latents. */
        void vae(String name, Path data, Path model, List<Path> users) throws IOException {
            if (finished(model, VaeTrainer.STAGE, s.preset().train().vaeSteps(), model.resolve("vae/config.json"))) {
                l.kept(name + " vae");
                return;
            }
            if (Checkpoint.exists(model, VaeTrainer.STAGE)) {
                for (Path u : users) {
                    if (Checkpoint.exists(u, UNetTrainer.STAGE)) {
                        throw new IllegalArgumentException("the VAE in '" + model + "' would change, but the UNet in '" + u
                                + "' was trained on its latents: keep the VAE's steps or choose another --out");
                    }
                }
            }
            long t0 = System.nanoTime();
            VaeTrainer.Result r;
            try (Tracker t = l.start(name + " vae", s.preset().train().vaeSteps())) {
                r = VaeTrainer.train(ImageData.load(data), s.preset().train(), s.seed(), model, true,
                        (st, step, total, loss) -> t.stepTo(step, String.format(" loss %.4f", loss)));
            }
            ModelCard card = new ModelCard(cardDir(model), s.preset().train(), s.seed(), data, command + "   # vae stage of " + name);
            card.vae(r);
            card.write((System.nanoTime() - t0) / 1e9);
            timings.put(name + "/vae", t0);
        }

        void unet(String name, Path data, Path vaeDir, Path model) throws IOException {
            if (finished(model, UNetTrainer.STAGE, s.preset().train().unetSteps(), model.resolve("model_index.json"))) {
                l.kept(name + " unet");
                return;
            }
            long t0 = System.nanoTime();
            UNetTrainer.Result r;
            try (Tracker t = l.start(name + " unet", s.preset().train().unetSteps())) {
                r = UNetTrainer.train(ImageData.load(data), s.preset().train(), s.seed(), vaeDir, model, true, (st, step, total, loss) -> {
                    if (st.equals(UNetTrainer.LATENTS)) t.stepTo(0, String.format(" encoding latents %d/%d (once; cached)", step, total));
                    else t.stepTo(step, String.format(" loss %.4f", loss));
                });
            }
            ModelCard card = new ModelCard(cardDir(model), s.preset().train(), s.seed(), data, command + "   # unet stage of " + name);
            card.unet(r, s.preset().train().unetSteps());
            card.write((System.nanoTime() - t0) / 1e9);
            timings.put(name + "/unet", t0);
        }

        /**
         * The card (training.json, README.md) goes beside the model folder, not into it: the model's hash covers the
         * folder's top-level JSON, and a card records wall-clock seconds, so a resumed model would hash differently
         * from the same weights trained in one go.
         */
        private static Path cardDir(Path model) {
            return model.toAbsolutePath().getParent();
        }

        /** A stage is finished when its checkpoint reached the wanted steps and its output exists; more steps than wanted is an error. */
        private static boolean finished(Path model, String stage, int steps, Path output) throws IOException {
            if (!Checkpoint.exists(model, stage)) return false;
            int done = Checkpoint.state(model, stage).path("step").asInt();
            if (done > steps) {
                throw new IllegalArgumentException("'" + model + "' holds a " + stage + " trained for " + done + " steps, more than the " + steps
                        + " asked for: pass at least " + done + " steps or choose another --out");
            }
            return done == steps && Files.isRegularFile(output);
        }
    }

    /** Seconds of every stage run, kept across resumed runs (timings.json): what sizes the cpu preset. */
    static final class Timings {
        private final Path file;
        private final ObjectNode json;

        Timings(Path file) throws IOException {
            this.file = file;
            json = Files.isRegularFile(file) ? (ObjectNode) OriginalityStudy.JSON.readTree(file.toFile()) : OriginalityStudy.JSON.createObjectNode();
        }

        /** The seconds since t0: the run that finished the stage (for a resumed stage, its last part; train.csv has every step's time). */
        void put(String stage, long t0) throws IOException {
            json.put(stage, (System.nanoTime() - t0) / 1e9);
            AtomicFiles.writeString(file, OriginalityStudy.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        }

        ObjectNode json() {
            return json;
        }
    }
}
