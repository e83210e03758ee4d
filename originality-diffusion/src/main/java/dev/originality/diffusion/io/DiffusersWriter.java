package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a new diffusers folder (e.g. a model we trained) that diffusers itself can load:
 * {@code model_index.json} and each component's JSON written as diffusers writes them
 * ({@link PythonJson}), weights as {@code diffusion_pytorch_model.safetensors} (diffusers
 * models) or {@code model.safetensors} (transformers models) with {@code format: pt} metadata.
 * Everything goes to a staging folder that is renamed to the target at the end.
 *
 * <pre>{@code
 * new DiffusersWriter("StableDiffusionPipeline", "0.31.0")
 *     .model("unet", "diffusers", "UNet2DConditionModel", unetConfigJson, unetTensors, Dtype.F32)
 *     .files("scheduler", "diffusers", "PNDMScheduler", Map.of("scheduler_config.json", bytes))
 *     .absent("safety_checker").option("requires_safety_checker", BooleanNode.FALSE)
 *     .write(target);
 * }</pre>
 */
public final class DiffusersWriter {
    private final ObjectNode index = JsonNodeFactory.instance.objectNode();
    private final Map<String, Writer> components = new LinkedHashMap<>();

    @FunctionalInterface
    private interface Writer {
        void write(Path folder) throws IOException;
    }

    public DiffusersWriter(String className, String diffusersVersion) {
        index.put("_class_name", className);
        index.put("_diffusers_version", diffusersVersion);
    }

    /** A non-component model_index.json entry, e.g. {@code requires_safety_checker: false}. */
    public DiffusersWriter option(String key, JsonNode value) {
        requireNew(key);
        index.set(key, value.deepCopy());
        return this;
    }

    /** An optional component left out: {@code [null, null]}. */
    public DiffusersWriter absent(String name) {
        requireNew(name);
        index.putArray(name).addNull().addNull();
        return this;
    }

    /**
     * A model: {@code config.json} and its tensors, floating point stored as {@code floatType}
     * (null keeps each array's own dtype). The arrays are read when {@link #write} runs.
     */
    public DiffusersWriter model(String name, String library, String className, JsonNode config,
                                 Map<String, NDArray> weights, Dtype floatType) {
        String weightFile = library.equals("transformers") ? "model.safetensors" : "diffusion_pytorch_model.safetensors";
        Map<String, NDArray> tensors = new LinkedHashMap<>(weights);
        JsonNode cfg = config.deepCopy();
        return component(name, library, className, folder -> {
            Files.write(folder.resolve("config.json"), PythonJson.configFile(cfg));
            Map<String, String> metadata = Map.of("format", "pt");
            if (floatType == null) SafeTensors.save(folder.resolve(weightFile), tensors, metadata);
            else SafeTensors.save(folder.resolve(weightFile), tensors, metadata, floatType);
        });
    }

    /** A component given as files (scheduler_config.json, tokenizer files): name relative to its folder → bytes. */
    public DiffusersWriter files(String name, String library, String className, Map<String, byte[]> files) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        files.forEach((k, v) -> copy.put(k, v.clone()));
        return component(name, library, className, folder -> {
            for (Map.Entry<String, byte[]> f : copy.entrySet()) {
                Path p = folder.resolve(f.getKey()).normalize();
                if (!p.startsWith(folder)) throw new IllegalArgumentException("component '" + name + "': file '" + f.getKey() + "' leaves its folder");
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
        });
    }

    /** Writes the folder (which must not exist yet) and opens it again, which validates it. */
    public DiffusersFolder write(Path target) throws IOException {
        StagedFolder.write(target, staging -> {
            Files.write(staging.resolve(DiffusersFolder.MODEL_INDEX), PythonJson.configFile(index));
            for (Map.Entry<String, Writer> c : components.entrySet()) c.getValue().write(Files.createDirectory(staging.resolve(c.getKey())));
        });
        return DiffusersFolder.open(target);
    }

    private DiffusersWriter component(String name, String library, String className, Writer writer) {
        requireNew(name);
        if (name.startsWith("_") || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("component name '" + name + "' cannot be a folder name");
        }
        index.putArray(name).add(library).add(className);
        components.put(name, writer);
        return this;
    }

    private void requireNew(String key) {
        if (index.has(key)) throw new IllegalArgumentException("model_index.json entry '" + key + "' given twice");
    }
}
