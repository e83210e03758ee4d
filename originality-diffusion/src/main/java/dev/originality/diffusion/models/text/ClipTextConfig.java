package dev.originality.diffusion.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.originality.diffusion.io.BoundedFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Architecture of a CLIP text encoder, in the fields of transformers' {@code CLIPTextConfig}
 * ({@code text_encoder/config.json} of a diffusers folder). Fields we do not use (dropouts,
 * initializer ranges, …) are ignored when read; {@link #toJson()} writes them with
 * transformers' values so that transformers loads our from-scratch models unchanged.
 *
 * @param projectionDim CLIPTextModelWithProjection's output width; unused by the text model itself,
 *                      kept for round trips; null when the file has none (then none is written)
 */
public record ClipTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        Activation hiddenAct,
        double layerNormEps,
        long bosTokenId,
        long eosTokenId,
        long padTokenId,
        Integer projectionDim) {

    /** The MLP activations CLIP text encoders use ({@code hidden_act}). */
    public enum Activation {
        QUICK_GELU("quick_gelu"), GELU("gelu");

        public final String jsonName;

        Activation(String jsonName) {
            this.jsonName = jsonName;
        }

        public static Activation fromJson(String name) {
            for (Activation a : values()) if (a.jsonName.equals(name)) return a;
            throw new IllegalArgumentException("hidden_act '" + name + "' is not supported (expected quick_gelu or gelu)");
        }
    }

    /** The transformers version our written configs claim (the one the fixtures came from). */
    static final String TRANSFORMERS_VERSION = "4.44.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClipTextConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " must be divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (hiddenAct == null) throw new IllegalArgumentException("hidden_act is required (quick_gelu or gelu)");
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layer_norm_eps must be a positive number, found " + layerNormEps);
        }
        tokenId("bos_token_id", bosTokenId, vocabSize);
        tokenId("eos_token_id", eosTokenId, vocabSize);
        tokenId("pad_token_id", padTokenId, vocabSize);
        if (projectionDim != null) positive("projection_dim", projectionDim);
    }

    /** A builder starting from transformers' {@code CLIPTextConfig()} defaults (CLIP ViT-B/32's text tower). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().vocabSize(vocabSize).hiddenSize(hiddenSize).intermediateSize(intermediateSize)
                .numHiddenLayers(numHiddenLayers).numAttentionHeads(numAttentionHeads)
                .maxPositionEmbeddings(maxPositionEmbeddings).hiddenAct(hiddenAct).layerNormEps(layerNormEps)
                .bosTokenId(bosTokenId).eosTokenId(eosTokenId).padTokenId(padTokenId).projectionDim(projectionDim);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Reads a transformers {@code config.json}; the architecture fields are required, the rest default as in transformers. */
    public static ClipTextConfig read(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(BoundedFiles.readUtf8(configJson, BoundedFiles.MAX_CONFIG_BYTES, "text encoder config"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(configJson + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    public static ClipTextConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("expected a JSON object");
        String type = root.path("model_type").asText("clip_text_model");
        if (!type.equals("clip_text_model")) {
            throw new IllegalArgumentException("model_type is '" + type + "', expected 'clip_text_model'");
        }
        Builder b = builder()
                .vocabSize(requiredInt(root, "vocab_size"))
                .hiddenSize(requiredInt(root, "hidden_size"))
                .intermediateSize(requiredInt(root, "intermediate_size"))
                .numHiddenLayers(requiredInt(root, "num_hidden_layers"))
                .numAttentionHeads(requiredInt(root, "num_attention_heads"))
                .maxPositionEmbeddings(requiredInt(root, "max_position_embeddings"));
        if (root.hasNonNull("hidden_act")) b.hiddenAct(Activation.fromJson(root.get("hidden_act").asText()));
        if (root.hasNonNull("layer_norm_eps")) b.layerNormEps(number(root, "layer_norm_eps").doubleValue());
        if (root.hasNonNull("bos_token_id")) b.bosTokenId(integral(root, "bos_token_id"));
        if (root.hasNonNull("eos_token_id")) b.eosTokenId(integral(root, "eos_token_id"));
        if (root.hasNonNull("pad_token_id")) b.padTokenId(integral(root, "pad_token_id"));
        b.projectionDim(root.hasNonNull("projection_dim") ? int32(root, "projection_dim") : null);
        return b.build();
    }

    /** This config as transformers writes it for a {@code CLIPTextModel} (keys sorted, as save_pretrained does). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("CLIPTextModel");
        o.put("attention_dropout", 0.0);
        o.put("bos_token_id", bosTokenId);
        o.put("dropout", 0.0);
        o.put("eos_token_id", eosTokenId);
        o.put("hidden_act", hiddenAct.jsonName);
        o.put("hidden_size", hiddenSize);
        o.put("initializer_factor", 1.0);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("model_type", "clip_text_model");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("pad_token_id", padTokenId);
        if (projectionDim != null) o.put("projection_dim", projectionDim);
        o.put("torch_dtype", "float32");
        o.put("transformers_version", TRANSFORMERS_VERSION);
        o.put("vocab_size", vocabSize);
        return o;
    }

    /** Writes {@link #toJson()} to {@code configJson} through a temporary file, so a crash leaves no half-written file. */
    public void write(Path configJson) throws IOException {
        dev.originality.diffusion.io.AtomicFiles.write(configJson, tmp -> JSON.writeValue(tmp.toFile(), toJson()));
    }

    private static int requiredInt(JsonNode root, String field) {
        if (!root.hasNonNull(field)) throw new IllegalArgumentException("missing required field '" + field + "'");
        return int32(root, field);
    }

    /** A 32-bit integer field; a larger value is an error naming it, not an ArithmeticException. */
    private static int int32(JsonNode root, String field) {
        long v = integral(root, field);
        if (v != (int) v) throw new IllegalArgumentException("'" + field + "' must be a 32-bit integer, found " + v);
        return (int) v;
    }

    private static long integral(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("'" + field + "' must be an integer, found " + n);
        }
        if (!n.canConvertToLong()) { // 2^64 + 1 must not wrap to 1
            throw new IllegalArgumentException("'" + field + "' must be a 64-bit integer, found " + n);
        }
        return n.asLong();
    }

    private static Number number(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isNumber()) throw new IllegalArgumentException("'" + field + "' must be a number, found " + n);
        return n.numberValue();
    }

    private static void positive(String field, long value) {
        if (value <= 0) throw new IllegalArgumentException(field + " must be positive, found " + value);
    }

    private static void tokenId(String field, long id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(field + " " + id + " is outside the vocabulary 0.." + (vocabSize - 1));
        }
    }

    /** Mutable builder; its initial values are transformers' {@code CLIPTextConfig} defaults, stated only here. */
    public static final class Builder {
        private int vocabSize = 49408;
        private int hiddenSize = 512;
        private int intermediateSize = 2048;
        private int numHiddenLayers = 12;
        private int numAttentionHeads = 8;
        private int maxPositionEmbeddings = 77;
        private Activation hiddenAct = Activation.QUICK_GELU;
        private double layerNormEps = 1e-5;
        private long bosTokenId = 49406;
        private long eosTokenId = 49407;
        private long padTokenId = 1;
        private Integer projectionDim = 512;

        private Builder() {}

        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder intermediateSize(int v) { intermediateSize = v; return this; }
        public Builder numHiddenLayers(int v) { numHiddenLayers = v; return this; }
        public Builder numAttentionHeads(int v) { numAttentionHeads = v; return this; }
        public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder hiddenAct(Activation v) { hiddenAct = v; return this; }
        public Builder layerNormEps(double v) { layerNormEps = v; return this; }
        public Builder bosTokenId(long v) { bosTokenId = v; return this; }
        public Builder eosTokenId(long v) { eosTokenId = v; return this; }
        public Builder padTokenId(long v) { padTokenId = v; return this; }
        /** Null for none. */
        public Builder projectionDim(Integer v) { projectionDim = v; return this; }

        public ClipTextConfig build() {
            return new ClipTextConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                    maxPositionEmbeddings, hiddenAct, layerNormEps, bosTokenId, eosTokenId, padTokenId, projectionDim);
        }
    }
}
