package dev.originality.training;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.shapes.OutputDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes our trained models as diffusers folders: one sub-folder per component with its config
 * and safetensors weights under diffusers' names, plus model_index.json — the layout that
 * StableDiffusionPipeline.from_pretrained loads.
 */
public final class ModelFolder {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DIFFUSERS_VERSION = "0.31.0";

    private ModelFolder() {}

    /** One component folder (config.json + weights), replaced atomically. */
    public static void writeComponent(Path dir, ObjectNode config, Map<String, NDArray> weights, String weightsFile) throws IOException {
        OutputDir out = OutputDir.begin(dir, true);
        try {
            Files.writeString(out.dir().resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
            SafeTensors.save(out.dir().resolve(weightsFile), weights, Map.of("format", "pt"));
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /** DDPM training schedule of SD v1 (scaled_linear 0.00085..0.012, 1000 steps) with PNDM for sampling. */
    public static ObjectNode schedulerConfig() {
        ObjectNode n = JSON.createObjectNode();
        n.put("_class_name", "PNDMScheduler");
        n.put("_diffusers_version", DIFFUSERS_VERSION);
        n.put("beta_end", 0.012);
        n.put("beta_schedule", "scaled_linear");
        n.put("beta_start", 0.00085);
        n.put("num_train_timesteps", 1000);
        n.put("prediction_type", "epsilon");
        n.put("set_alpha_to_one", false);
        n.put("skip_prk_steps", true);
        n.put("steps_offset", 1);
        n.put("timestep_spacing", "leading");
        n.putNull("trained_betas");
        return n;
    }

    public static void writeScheduler(Path modelDir) throws IOException {
        Path dir = modelDir.resolve("scheduler");
        Files.createDirectories(dir);
        writeJson(dir.resolve("scheduler_config.json"), schedulerConfig());
    }

    public static void writeModelIndex(Path modelDir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("_class_name", "StableDiffusionPipeline");
        n.put("_diffusers_version", DIFFUSERS_VERSION);
        for (String none : new String[] {"feature_extractor", "image_encoder", "safety_checker"}) n.putArray(none).addNull().addNull();
        n.put("requires_safety_checker", false);
        pair(n, "scheduler", "diffusers", "PNDMScheduler");
        pair(n, "text_encoder", "transformers", "CLIPTextModel");
        pair(n, "tokenizer", "transformers", "CLIPTokenizer");
        pair(n, "unet", "diffusers", "UNet2DConditionModel");
        pair(n, "vae", "diffusers", "AutoencoderKL");
        writeJson(modelDir.resolve("model_index.json"), n);
    }

    private static void pair(ObjectNode n, String key, String lib, String cls) {
        ArrayNode a = n.putArray(key);
        a.add(lib).add(cls);
    }

    static void writeJson(Path file, ObjectNode n) throws IOException {
        dev.originality.diffusion.io.AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }
}
