package dev.originality.measure.dreamsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.blocks.ConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A DreamSim weights folder's {@code config.json}: the ViT shape shared by every backbone of the
 * ensemble, and each backbone's tensor prefix, feature, normalisation and activation.
 *
 * @param imageSize       input side in pixels (224 for the released model); images are resized to it
 * @param patchSize       ViT patch side (16)
 * @param embedDim        ViT width (768)
 * @param depth           transformer blocks per backbone (12)
 * @param numHeads        attention heads (12)
 * @param mlpRatio        MLP hidden width / embedDim (4)
 * @param projDim         CLIP/OpenCLIP projection width (512)
 * @param featureBlock    the block whose output holds the {@code cls} feature (11: DreamSim's "layer 11")
 * @param normalizeEmbeds whether the concatenated embedding is mean-centred and L2-normalised
 * @param backbones       the ensemble, in concatenation order
 */
public record DreamSimConfig(int imageSize, int patchSize, int embedDim, int depth, int numHeads, int mlpRatio,
                             int projDim, int featureBlock, boolean normalizeEmbeds, List<Backbone> backbones) {
    static final String MODEL_TYPE = "dreamsim-ensemble";
    static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406}, IMAGENET_STD = {0.229, 0.224, 0.225};
    static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073}, CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    public DreamSimConfig {
        positive("image_size", imageSize);
        positive("patch_size", patchSize);
        positive("embed_dim", embedDim);
        positive("depth", depth);
        positive("num_heads", numHeads);
        positive("mlp_ratio", mlpRatio);
        positive("proj_dim", projDim);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("dreamsim config: image_size " + imageSize + " must be a multiple of patch_size " + patchSize);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("dreamsim config: embed_dim " + embedDim + " must be divisible by num_heads " + numHeads);
        }
        if (featureBlock < 0 || featureBlock >= depth) {
            throw new IllegalArgumentException("dreamsim config: feature_block must be in 0.." + (depth - 1) + ", found " + featureBlock);
        }
        if (backbones == null || backbones.isEmpty()) throw new IllegalArgumentException("dreamsim config: 'backbones' must list at least one backbone");
        backbones = List.copyOf(backbones);
    }

    /**
     * The released DreamSim "ensemble" (Fu et al. 2023; dreamsim v0.2, used by the paper, App. F):
     * DINO ViT-B/16 cls + CLIP ViT-B/16 and OpenCLIP ViT-B/16 embeddings, 224x224 input.
     */
    public static DreamSimConfig ensembleVitB16() {
        return new DreamSimConfig(224, 16, 768, 12, 12, 4, 512, 11, true, List.of(
                new Backbone("dino_vitb16", "extractor_list.0", Backbone.Feature.CLS, list(IMAGENET_MEAN), list(IMAGENET_STD),
                        Backbone.Activation.GELU, 1e-6, null),
                new Backbone("clip_vitb16", "extractor_list.1", Backbone.Feature.EMBEDDING, list(CLIP_MEAN), list(CLIP_STD),
                        Backbone.Activation.QUICK_GELU, 1e-5, "pos_drop"),
                new Backbone("open_clip_vitb16", "extractor_list.2", Backbone.Feature.EMBEDDING, list(CLIP_MEAN), list(CLIP_STD),
                        Backbone.Activation.GELU, 1e-5, "pos_drop")));
    }

    /** Width of one backbone's feature. */
    public int featureDim(Backbone b) {
        return b.feature() == Backbone.Feature.CLS ? embedDim : projDim;
    }

    /** Width of the concatenated embedding (1792 for the released model). */
    public int embeddingDim() {
        return backbones.stream().mapToInt(this::featureDim).sum();
    }

    public static DreamSimConfig read(Path file) throws IOException {
        String where = "dreamsim config '" + file + "'";
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + ": file not found");
        ConfigJson c = ConfigJson.read(file);
        String type = c.text("model_type", null);
        if (!MODEL_TYPE.equals(type)) {
            throw new IllegalArgumentException(where + ": expected model_type \"" + MODEL_TYPE + "\", found " + (type == null ? "none" : "\"" + type + "\""));
        }
        if (!c.bool("lora_merged", false)) {
            throw new IllegalArgumentException(where + ": expected lora_merged true (LoRA folded into qkv by the converter), found false or none");
        }
        JsonNode list = ConfigJson.JSON.readTree(Files.readString(file)).get("backbones");
        if (list == null || !list.isArray()) throw new IllegalArgumentException(where + ": 'backbones' must be an array");
        List<Backbone> backbones = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) backbones.add(Backbone.read(list.get(i), where + " backbones[" + i + "]"));
        return new DreamSimConfig(c.integer("image_size", 0), c.integer("patch_size", 0), c.integer("embed_dim", 0),
                c.integer("depth", 0), c.integer("num_heads", 0), c.integer("mlp_ratio", 0), c.integer("proj_dim", 0),
                c.integer("feature_block", -1), c.bool("normalize_embeds", true), backbones);
    }

    public ObjectNode toJson() {
        ObjectNode n = ConfigJson.JSON.createObjectNode();
        n.put("model_type", MODEL_TYPE).put("image_size", imageSize).put("patch_size", patchSize).put("embed_dim", embedDim)
                .put("depth", depth).put("num_heads", numHeads).put("mlp_ratio", mlpRatio).put("proj_dim", projDim)
                .put("feature_block", featureBlock).put("normalize_embeds", normalizeEmbeds).put("lora_merged", true);
        ArrayNode a = n.putArray("backbones");
        for (Backbone b : backbones) b.write(a.addObject());
        return n;
    }

    public void write(Path file) throws IOException {
        ConfigJson.write(toJson(), file);
    }

    private static List<Double> list(double[] v) {
        return List.of(v[0], v[1], v[2]);
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw new IllegalArgumentException("dreamsim config: '" + field + "' must be a positive integer, found " + v);
    }
}
