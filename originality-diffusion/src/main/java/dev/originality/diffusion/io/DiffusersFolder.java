package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A diffusers pipeline folder: {@code model_index.json} naming each component
 * ({@code "unet": ["diffusers", "UNet2DConditionModel"]}), one sub-folder per component with its
 * JSON config and, for models, a safetensors weight file. Optional components set to
 * {@code [null, null]} (safety_checker, feature_extractor, ...) are listed in {@code absent}.
 * Opening checks the whole folder (every JSON parses, every weight header is valid) so that
 * problems surface here, each as one {@link IllegalArgumentException} naming the path.
 *
 * @param components present components in model_index.json order
 * @param options    the other model_index.json entries, e.g. {@code requires_safety_checker: false}
 */
public record DiffusersFolder(Path dir, String className, String diffusersVersion,
                              Map<String, Component> components, List<String> absent, Map<String, JsonNode> options) {
    /** Weight file names diffusers/transformers write, in the order we prefer them. */
    public static final List<String> WEIGHT_FILES = List.of("diffusion_pytorch_model.safetensors", "model.safetensors",
            "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors");
    /** Weight formats that are Python pickles (can run code when loaded): refused, never copied. */
    static final List<String> PICKLE_SUFFIXES = List.of(".bin", ".ckpt", ".pt", ".pth", ".pkl", ".pickle");
    static final String MODEL_INDEX = "model_index.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One component.
     *
     * @param weights the safetensors weight file, or null for components without weights (tokenizer, scheduler)
     * @param files   every file of the component folder (relative to it) that {@link #save} copies
     */
    public record Component(String name, String library, String className, Path folder, Path weights, List<Path> files) {
        public Component {
            files = List.copyOf(files);
        }

        public boolean hasWeights() {
            return weights != null;
        }
    }

    public DiffusersFolder {
        components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
        absent = List.copyOf(absent);
        Map<String, JsonNode> copies = new LinkedHashMap<>();
        options.forEach((k, v) -> copies.put(k, v.deepCopy()));
        options = Collections.unmodifiableMap(copies);
    }

    public static DiffusersFolder open(Path dir) throws IOException {
        if (!Files.exists(dir)) throw new IllegalArgumentException("diffusers folder '" + dir + "' does not exist");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("diffusers folder '" + dir + "' is a file, expected a folder");
        Path indexFile = dir.resolve(MODEL_INDEX);
        if (!Files.isRegularFile(indexFile)) {
            throw new IllegalArgumentException("'" + dir + "' has no " + MODEL_INDEX + ", so it is not a diffusers pipeline folder"
                    + " (expected model_index.json beside unet/, vae/, text_encoder/, tokenizer/, scheduler/)");
        }
        JsonNode index = parseJson(indexFile, BoundedFiles.MAX_CONFIG_BYTES);
        if (!index.isObject()) throw new IllegalArgumentException(indexFile + ": expected a JSON object, found " + index.getNodeType());
        String className = requiredString(index, "_class_name", indexFile);
        String version = requiredString(index, "_diffusers_version", indexFile);
        Map<String, Component> components = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        Map<String, JsonNode> options = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = index.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("_class_name") || name.equals("_diffusers_version")) continue;
            if (name.startsWith("_") || !v.isArray()) { // _name_or_path, requires_safety_checker, ...
                options.put(name, v);
                continue;
            }
            if (v.size() != 2 || !(v.get(0).isNull() && v.get(1).isNull() || v.get(0).isTextual() && v.get(1).isTextual())) {
                throw new IllegalArgumentException(indexFile + ": component '" + name + "' must be [library, class name] or [null, null], found " + v);
            }
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException(indexFile + ": component name '" + name + "' is not a folder name");
            }
            if (v.get(0).isNull()) absent.add(name);
            else components.put(name, component(dir, name, v.get(0).asText(), v.get(1).asText()));
        }
        return new DiffusersFolder(dir, className, version, components, absent, options);
    }

    public Component component(String name) {
        Component c = components.get(name);
        if (c == null) {
            throw new IllegalArgumentException("diffusers folder '" + dir + "' has no component '" + name + "'"
                    + (absent.contains(name) ? " (it is [null, null] in model_index.json)" : "") + "; it has " + components.keySet());
        }
        return c;
    }

    /** The component's config: {@code config.json}, or {@code scheduler_config.json} / {@code tokenizer_config.json}. */
    public JsonNode config(String name) throws IOException {
        Component c = component(name);
        for (String f : List.of("config.json", "scheduler_config.json", "tokenizer_config.json", "preprocessor_config.json")) {
            Path p = c.folder().resolve(f);
            if (Files.isRegularFile(p)) return parseJson(p, BoundedFiles.MAX_CONFIG_BYTES);
        }
        throw new IllegalArgumentException("component '" + name + "' in '" + c.folder() + "' has no config.json, scheduler_config.json,"
                + " tokenizer_config.json or preprocessor_config.json");
    }

    /** The component's weight header (dtype-preserving access, see {@link SafeTensorsFile}). */
    public SafeTensorsFile weights(String name) throws IOException {
        Component c = component(name);
        if (!c.hasWeights()) throw new IllegalArgumentException("component '" + name + "' (" + c.className() + ") has no weights");
        return SafeTensors.read(c.weights());
    }

    /** The component's tensors with floating point widened to float32 (what the model loaders take). */
    public Map<String, NDArray> loadWeights(String name, NDManager manager) throws IOException {
        return weights(name).loadAllWidened(manager);
    }

    /**
     * Writes this pipeline to the new folder {@code target}: model_index.json and every component
     * file byte for byte, except weight files, which are re-read and re-written by our safetensors
     * writer (same tensor names, dtypes, shapes and bytes). Pickle files are not copied; files beside
     * model_index.json that are not components (READMEs, ...) are not part of the pipeline and stay.
     * Written into a staging folder beside {@code target} and renamed into place, so {@code target}
     * appears complete or not at all.
     */
    public DiffusersFolder save(Path target) throws IOException {
        StagedFolder.write(target, staging -> {
            Files.copy(dir.resolve(MODEL_INDEX), staging.resolve(MODEL_INDEX));
            for (Component c : components.values()) {
                for (Path rel : c.files()) {
                    Path src = c.folder().resolve(rel), dst = staging.resolve(c.name()).resolve(rel.toString());
                    Files.createDirectories(dst.getParent());
                    if (rel.getFileName().toString().endsWith(".safetensors")) SafeTensors.read(src).copyTo(dst);
                    else Files.copy(src, dst);
                }
            }
        });
        return open(target);
    }

    private static Component component(Path dir, String name, String library, String className) throws IOException {
        Path folder = dir.resolve(name);
        String what = "component '" + name + "' (" + library + " " + className + ")";
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(dir.resolve(MODEL_INDEX) + " lists " + what + ", but its folder '" + folder + "' is missing");
        }
        List<Path> files = new ArrayList<>(), pickles = new ArrayList<>(), safetensors = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                Path rel = folder.relativize(p);
                String file = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (PICKLE_SUFFIXES.stream().anyMatch(file::endsWith)) {
                    pickles.add(rel);
                    continue;
                }
                if (file.endsWith(".json")) parseJson(p, BoundedFiles.MAX_TOKENIZER_FILE_BYTES); // vocab.json, tokenizer.json

                if (file.endsWith(".safetensors")) {
                    SafeTensors.read(p);
                    safetensors.add(rel);
                }
                files.add(rel);
            }
        }
        Path weights = null;
        for (String f : WEIGHT_FILES) {
            if (Files.isRegularFile(folder.resolve(f))) {
                weights = folder.resolve(f);
                break;
            }
        }
        if (weights == null && !pickles.isEmpty()) {
            throw new IllegalArgumentException(what + " in '" + folder + "' has only pickle weights " + pickles
                    + ", which can run code when loaded and are not read here. Convert them to safetensors first, e.g. in Python:"
                    + " DiffusionPipeline.from_pretrained(path).save_pretrained(out, safe_serialization=True)");
        }
        if (weights == null && !safetensors.isEmpty()) {
            throw new IllegalArgumentException(what + " in '" + folder + "' has safetensors files " + safetensors
                    + " but none named " + WEIGHT_FILES + " (sharded weights are not supported)");
        }
        if (weights == null && Files.isRegularFile(folder.resolve("config.json"))) {
            throw new IllegalArgumentException(what + " in '" + folder + "' has a config.json but no weights; expected one of " + WEIGHT_FILES);
        }
        return new Component(name, library, className, folder, weights, files);
    }

    private static JsonNode parseJson(Path file, long maxBytes) throws IOException {
        // Decoded as UTF-8 here: from bytes, Jackson guesses UTF-16/32 and throws a raw CharConversionException.
        String text = BoundedFiles.readUtf8(file, maxBytes, "JSON file");
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) throw new IllegalArgumentException(file + ": empty, expected JSON");
            return node;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException(file + ": malformed JSON (" + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
        }
    }

    private static String requiredString(JsonNode index, String key, Path file) {
        JsonNode v = index.get(key);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(file + ": expected a string '" + key + "', found " + v);
        return v.asText();
    }
}
