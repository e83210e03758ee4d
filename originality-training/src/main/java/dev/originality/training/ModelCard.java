package dev.originality.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The model's record of how it was made: MODEL_DIR/training.json (machine-readable) and README.md
 * (command, preset values, dataset spec and seed, steps, wall time, final losses). Evaluations add
 * their figures to training.json's "quality" and re-render the README. A model trained over several
 * resumed runs keeps its account in training.json's "history" (Markdown, written by hand; rendered
 * under the commands), and each stage's line counts the steps the model has, not only the last run's.
 */
public final class ModelCard {
    private final Path dir;
    private final ObjectNode json;

    public ModelCard(Path dir, TrainPreset p, long seed, Path data, String command) throws IOException {
        this.dir = dir;
        Path existing = dir.resolve("training.json");
        json = Files.exists(existing) ? (ObjectNode) Checkpoint.JSON.readTree(existing.toFile()) : Checkpoint.JSON.createObjectNode();
        json.withArray("commands").add(command);
        json.put("preset", p.name());
        json.set("preset_values", Checkpoint.JSON.valueToTree(p));
        json.put("seed", seed);
        json.put("data", data.toString());
        Path info = data.resolve("dataset.json");
        if (Files.exists(info)) {
            JsonNode d = Checkpoint.JSON.readTree(info.toFile());
            ObjectNode ds = json.putObject("dataset");
            ds.set("command", d.path("command"));
            ds.set("seed", d.path("seed"));
            ds.set("count", d.path("count"));
            ds.set("spec", d.path("spec"));
            ds.set("groups", d.path("stats").path("groups"));
        }
    }

    public void vae(VaeTrainer.Result r) {
        ObjectNode n = json.putObject("vae");
        n.put("steps_run", r.steps());
        n.put("seconds", Math.round(r.seconds()));
        n.put("final_loss", r.finalLoss());
        n.put("scaling_factor", r.scalingFactor());
    }

    /**
     * The UNet stage after a run that ended at step {@code reached}. A run with no steps to do (writing the
     * model from a checkpoint) keeps the previous run's figures; the loss reported is the mean of the last
     * {@link #RECENT} steps in train.csv, one step's loss being too noisy to compare models by.
     */
    public void unet(UNetTrainer.Result r, int reached) throws IOException {
        ObjectNode n = json.has("unet") ? (ObjectNode) json.get("unet") : json.putObject("unet");
        if (r.steps() > 0 || !n.has("steps_run")) {
            n.put("steps_run", r.steps());
            n.put("seconds", Math.round(r.seconds()));
            n.put("final_loss", r.finalLoss());
        }
        n.put("steps", reached);
        double recent = recentLoss(dir.resolve("train.csv"), "unet", reached, RECENT);
        if (Double.isFinite(recent)) n.put("recent_loss", recent);
        else n.remove("recent_loss");
    }

    /** Steps averaged for the card's loss. */
    static final int RECENT = 250;

    /** Mean loss of the rows of {@code stage} with step in (upTo − n, upTo]; NaN when none. */
    static double recentLoss(Path csv, String stage, int upTo, int n) throws IOException {
        return TrainLog.read(csv).getOrDefault(stage, List.of()).stream()
                .filter(row -> row[0] > upTo - n && row[0] <= upTo).mapToDouble(row -> row[1]).average().orElse(Double.NaN);
    }

    public void write(double seconds) throws IOException {
        json.put("last_run_seconds", Math.round(seconds));
        AtomicFiles.writeString(dir.resolve("training.json"), Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        AtomicFiles.writeString(dir.resolve("README.md"), render(json));
    }

    /** README.md from training.json. */
    public static String render(JsonNode j) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(j.path("name").asText("Synthetic shapes text-to-image model")).append("\n\n");
        s.append("A Stable-Diffusion-architecture model (AutoencoderKL, UNet2DConditionModel, CLIPTextModel, CLIP BPE tokenizer, ")
                .append("PNDM scheduler) trained from scratch by `originality train` on a synthetic shapes dataset. ")
                .append("It is an ordinary diffusers folder.\n\n## How it was made\n\n```\n");
        j.path("dataset").path("command").asText("").lines().forEach(l -> s.append(l).append('\n'));
        j.path("commands").forEach(c -> s.append(c.asText()).append('\n'));
        s.append("```\n\n");
        if (j.hasNonNull("history")) s.append(j.path("history").asText().strip()).append("\n\n");
        s.append(String.format(Locale.ROOT, "- preset: `%s`, seed %d%n", j.path("preset").asText(), j.path("seed").asLong()));
        if (j.has("dataset")) {
            s.append(String.format(Locale.ROOT, "- dataset: %d images, spec `%s`, dataset seed %s, groups %s%n",
                    j.path("dataset").path("count").asInt(), j.path("dataset").path("spec").path("name").asText(),
                    j.path("dataset").path("seed").asText(), j.path("dataset").path("groups")));
        }
        for (String stage : new String[] {"vae", "unet"}) {
            JsonNode n = j.path(stage);
            if (n.isMissingNode()) continue;
            String total = !n.has("steps") ? "" : String.format(Locale.ROOT, "%,d steps%s; last run: ", n.path("steps").asInt(),
                    n.has("recent_loss") ? String.format(Locale.ROOT, ", mean loss of the last %d %.5f (`train.csv`)", RECENT,
                            n.path("recent_loss").asDouble()) : "");
            s.append(String.format(Locale.ROOT, "- %s: %s%,d steps in %,d s, final loss %.5f%s%n", stage, total, n.path("steps_run").asInt(),
                    n.path("seconds").asLong(), n.path("final_loss").asDouble(),
                    n.has("scaling_factor") ? String.format(Locale.ROOT, ", scaling_factor %.5f", n.path("scaling_factor").asDouble()) : ""));
        }
        s.append("- preset values: `").append(j.path("preset_values")).append("`\n\n");
        s.append("Loss curves: `loss.png`; per-step log: `train.csv`.\n\n## Quality\n\n");
        JsonNode q = j.path("quality");
        if (q.isMissingNode() || q.isEmpty()) {
            s.append("Not measured yet.\n");
        } else {
            q.fields().forEachRemaining(e -> s.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        }
        return s.toString();
    }

    /** The preset with command-line overrides applied to the stages that run. */
    public static TrainPreset override(TrainPreset p, boolean vae, boolean unet, Integer steps, Integer batch, Double lr) {
        return new TrainPreset(p.name(), p.imageSize(), p.vaeChannels(), p.vaeLayers(), p.vaeGroups(), p.latentChannels(),
                p.unetChannels(), p.unetLayers(), p.unetHeads(), p.unetGroups(), p.textHidden(), p.textLayers(), p.textHeads(),
                p.textMaxLength(), p.textVocab(),
                vae && steps != null ? steps : p.vaeSteps(), vae && batch != null ? batch : p.vaeBatch(),
                vae && lr != null ? lr : p.vaeLr(), p.klWeight(),
                unet && steps != null ? steps : p.unetSteps(), unet && batch != null ? batch : p.unetBatch(),
                unet && lr != null ? lr : p.unetLr(), p.captionDropout(), p.emaDecay(), p.snrGamma(), p.warmupSteps(), p.checkpointEvery());
    }
}
