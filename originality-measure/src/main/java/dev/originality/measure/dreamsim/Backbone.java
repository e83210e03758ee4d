package dev.originality.measure.dreamsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.blocks.ConfigJson;

import java.util.ArrayList;
import java.util.List;

/**
 * One ViT of the DreamSim ensemble, as {@code config.json} describes it.
 *
 * @param name         DreamSim's model type, e.g. {@code dino_vitb16}
 * @param prefix       tensor name prefix, e.g. {@code extractor_list.0}
 * @param feature      which token the backbone contributes
 * @param mean         per-channel input mean (RGB), subtracted from pixels in [0, 1]
 * @param std          per-channel input standard deviation (RGB)
 * @param activation   the MLP activation of every block
 * @param layerNormEps eps of every LayerNorm of this backbone
 * @param lnPre        tensor name (under {@code model.}) of CLIP's pre-transformer LayerNorm, which
 *                     DreamSim stores in the slot of DINO's {@code pos_drop}; null when there is none
 */
public record Backbone(String name, String prefix, Feature feature, List<Double> mean, List<Double> std,
                       Activation activation, double layerNormEps, String lnPre) {

    /** {@code cls}: block {@code feature_block}'s cls token, before the final norm (DINO).
     *  {@code embedding}: the final-norm cls token times {@code proj} (CLIP, OpenCLIP). */
    public enum Feature {
        CLS("cls"), EMBEDDING("embedding");

        final String json;

        Feature(String json) {
            this.json = json;
        }

        static Feature parse(String s, String where) {
            for (Feature f : values()) if (f.json.equals(s)) return f;
            throw new IllegalArgumentException(where + ": 'feature' must be \"cls\" or \"embedding\", found \"" + s + "\"");
        }
    }

    /** MLP activations: DINO and OpenCLIP use exact GELU, OpenAI CLIP quick_gelu. */
    public enum Activation {
        GELU("gelu"), QUICK_GELU("quick_gelu");

        final String json;

        Activation(String json) {
            this.json = json;
        }

        static Activation parse(String s, String where) {
            for (Activation a : values()) if (a.json.equals(s)) return a;
            throw new IllegalArgumentException(where + ": 'activation' must be \"gelu\" or \"quick_gelu\", found \"" + s + "\"");
        }
    }

    public Backbone {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("backbone: 'name' must be a non-empty string");
        if (prefix == null || prefix.isBlank()) throw new IllegalArgumentException("backbone " + name + ": 'prefix' must be a non-empty string");
        if (feature == null || activation == null) throw new IllegalArgumentException("backbone " + name + ": feature and activation are required");
        mean = rgb("mean", mean, false);
        std = rgb("std", std, true);
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("backbone " + name + ": 'layer_norm_eps' must be > 0, found " + layerNormEps);
    }

    private List<Double> rgb(String field, List<Double> v, boolean positive) {
        if (v == null || v.size() != 3 || v.stream().anyMatch(x -> x == null || !Double.isFinite(x) || (positive && x <= 0))) {
            throw new IllegalArgumentException("backbone " + name + ": '" + field + "' must be 3 finite numbers"
                    + (positive ? " > 0" : "") + ", found " + v);
        }
        return List.copyOf(v);
    }

    /** One entry of {@code config.json}'s {@code backbones} array. */
    static Backbone read(JsonNode node, String where) {
        ConfigJson c = new ConfigJson(node, where);
        return new Backbone(c.text("name", null), c.text("prefix", null),
                Feature.parse(c.text("feature", null), where), numbers(node, "mean", where), numbers(node, "std", where),
                Activation.parse(c.text("activation", null), where), c.number("layer_norm_eps", 0), c.text("ln_pre", null));
    }

    private static List<Double> numbers(JsonNode node, String field, String where) {
        JsonNode a = node.get(field);
        if (a == null || !a.isArray()) throw new IllegalArgumentException(where + ": '" + field + "' must be an array of 3 numbers, found " + a);
        List<Double> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isNumber()) throw new IllegalArgumentException(where + ": '" + field + "' must be an array of 3 numbers, found " + a);
            out.add(e.doubleValue());
        }
        return out;
    }

    void write(ObjectNode node) {
        node.put("name", name).put("prefix", prefix).put("feature", feature.json);
        mean.forEach(node.putArray("mean")::add);
        std.forEach(node.putArray("std")::add);
        node.put("activation", activation.json).put("layer_norm_eps", layerNormEps);
        if (lnPre != null) node.put("ln_pre", lnPre);
    }
}
