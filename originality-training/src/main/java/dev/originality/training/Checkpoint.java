package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.shapes.OutputDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A resumable training state in MODEL_DIR/checkpoint-STAGE/: parameters, optimizer moments, EMA
 * weights (float32 safetensors) and state.json (stage, step, preset, seed). Written to a staging
 * folder and renamed, so a kill leaves the previous checkpoint or the new one, never half of one.
 */
public final class Checkpoint {
    static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    public static Path dir(Path modelDir, String stage) {
        return modelDir.resolve("checkpoint-" + stage);
    }

    public static void save(Path modelDir, String stage, ObjectNode state, Map<String, NDArray> params,
                            Map<String, NDArray> optimizer, Map<String, NDArray> ema) throws IOException {
        OutputDir out = OutputDir.begin(dir(modelDir, stage), true);
        try {
            SafeTensors.save(out.dir().resolve("params.safetensors"), params, Map.of());
            SafeTensors.save(out.dir().resolve("optimizer.safetensors"), optimizer, Map.of());
            if (ema != null) SafeTensors.save(out.dir().resolve("ema.safetensors"), ema, Map.of());
            Files.writeString(out.dir().resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    public static boolean exists(Path modelDir, String stage) {
        return Files.isRegularFile(dir(modelDir, stage).resolve("state.json"));
    }

    public static JsonNode state(Path modelDir, String stage) throws IOException {
        return JSON.readTree(dir(modelDir, stage).resolve("state.json").toFile());
    }

    public static Map<String, NDArray> tensors(Path modelDir, String stage, String name, NDManager m) throws IOException {
        return SafeTensors.load(dir(modelDir, stage).resolve(name + ".safetensors"), m);
    }

    /** Copies saved values into the live parameters (which models hold by reference). */
    public static void copyInto(Map<String, NDArray> live, Map<String, NDArray> saved, String what) {
        if (!live.keySet().equals(saved.keySet())) {
            throw new IllegalArgumentException("checkpoint " + what + " holds " + saved.size() + " tensors that do not match the model's "
                    + live.size() + " (was it made by another preset?)");
        }
        live.forEach((k, v) -> {
            NDArray s = saved.get(k);
            if (!s.getShape().equals(v.getShape())) {
                throw new IllegalArgumentException("checkpoint tensor '" + k + "' has shape " + s.getShape() + ", the model needs " + v.getShape());
            }
            v.set(s.toFloatArray());
        });
    }
}
