package dev.originality.measure.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.blocks.ConfigJson;
import dev.originality.diffusion.models.text.ClipTextConfig;
import dev.originality.measure.vit.VitShape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A transformers {@code CLIPModel} folder's {@code config.json}: the text tower (read by {@link
 * ClipTextConfig}), the vision tower and the shared projection width. Missing fields take
 * transformers' defaults ({@code CLIPConfig}, {@code CLIPVisionConfig}: ViT-B/32 at 224 pixels).
 *
 * @param text          the text tower
 * @param vision        the vision tower
 * @param projectionDim width of the joint embedding space
 */
public record ClipConfig(ClipTextConfig text, VitShape vision, int projectionDim) {
    public ClipConfig {
        if (text == null || vision == null) throw new IllegalArgumentException("clip config: text and vision towers are required");
        if (projectionDim < 1) throw new IllegalArgumentException("clip config: projection_dim must be positive, found " + projectionDim);
    }

    public static ClipConfig read(Path file) throws IOException {
        String where = "clip config '" + file + "'";
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + ": expected a transformers CLIPModel config.json, found no file");
        ConfigJson root = ConfigJson.read(file);
        String type = root.text("model_type", null);
        if (!"clip".equals(type)) {
            throw new IllegalArgumentException(where + ": expected model_type \"clip\" (a transformers CLIPModel folder), found "
                    + (type == null ? "none" : "\"" + type + "\""));
        }
        JsonNode tree = ConfigJson.JSON.readTree(Files.readString(file));
        int projection = root.integer("projection_dim", 512);
        // transformers' CLIPTextConfig defaults first, then what the file states
        ObjectNode text = ClipTextConfig.builder().build().toJson();
        JsonNode given = tree.path("text_config");
        if (given.isObject()) text.setAll((ObjectNode) given);
        text.put("projection_dim", projection);
        ClipTextConfig textConfig;
        try {
            textConfig = ClipTextConfig.fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " text_config: " + e.getMessage(), e);
        }
        JsonNode v = tree.path("vision_config");
        ConfigJson vision = new ConfigJson(v.isObject() ? v : ConfigJson.JSON.createObjectNode(), where + " vision_config");
        String act = vision.text("hidden_act", "quick_gelu");
        if (!act.equals("quick_gelu") && !act.equals("gelu")) {
            throw new IllegalArgumentException(where + " vision_config: hidden_act must be quick_gelu or gelu, found '" + act + "'");
        }
        VitShape shape = new VitShape(vision.integer("image_size", 224), vision.integer("patch_size", 32),
                vision.integer("hidden_size", 768), vision.integer("num_hidden_layers", 12), vision.integer("num_attention_heads", 12),
                vision.integer("intermediate_size", 3072), vision.number("layer_norm_eps", 1e-5), act.equals("quick_gelu"));
        return new ClipConfig(textConfig, shape, projection);
    }
}
