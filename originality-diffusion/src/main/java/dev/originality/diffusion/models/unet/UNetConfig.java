package dev.originality.diffusion.models.unet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.blocks.ConfigJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The configuration of a {@link UNet2DConditionModel}: the subset of diffusers' fields that
 * Stable Diffusion v1/v2 use (config.json names in the comments). Defaults are diffusers'
 * defaults (which are SD v1's: channels (320, 640, 1280, 1280), 2 layers, 8 heads, context 768
 * in SD v1.5's file). Per-block lists hold one entry per down block, finest level first.
 *
 * @param sampleSize          sample_size: latent size it was trained at (informational; may be null)
 * @param inChannels          in_channels: latent channels in (4)
 * @param outChannels         out_channels: predicted noise channels (4)
 * @param centerInputSample   center_input_sample: map the input x to 2x - 1 first
 * @param flipSinToCos        flip_sin_to_cos: timestep embedding as [cos, sin] instead of [sin, cos]
 * @param freqShift           freq_shift: downscale_freq_shift of the sinusoidal embedding
 * @param downBlockTypes      down_block_types: "CrossAttnDownBlock2D" or "DownBlock2D"
 * @param midBlockType        mid_block_type: "UNetMidBlock2DCrossAttn"
 * @param upBlockTypes        up_block_types: "UpBlock2D" or "CrossAttnUpBlock2D", coarsest first
 * @param blockOutChannels    block_out_channels
 * @param layersPerBlock      layers_per_block: resnets per down block (up blocks have one more)
 * @param downsamplePadding   downsample_padding of the stride-2 downsampler convs
 * @param midBlockScaleFactor mid_block_scale_factor: the mid block resnets' output divisor
 * @param normNumGroups       norm_num_groups
 * @param normEps             norm_eps: GroupNorm epsilon of resnets and the output norm
 * @param crossAttentionDim   cross_attention_dim: channels of encoder_hidden_states
 * @param transformerLayersPerBlock transformer_layers_per_block: BasicTransformerBlocks per attention
 * @param attentionHeads      heads per block: diffusers' attention_head_dim, which (with
 *                            num_attention_heads null, as in SD configs) is the NUMBER of heads;
 *                            a non-null num_attention_heads is read as the same thing
 * @param useLinearProjection use_linear_projection: proj_in/proj_out linear instead of 1x1 conv
 * @param upcastAttention     upcast_attention (informational: we compute in float32)
 * @param convInKernel        conv_in_kernel
 * @param convOutKernel       conv_out_kernel
 * @param timeEmbeddingDim    time_embedding_dim: width of the time MLP; null → 4 · block_out_channels[0]
 */
public record UNetConfig(Integer sampleSize, int inChannels, int outChannels, boolean centerInputSample,
                         boolean flipSinToCos, int freqShift, List<String> downBlockTypes, String midBlockType,
                         List<String> upBlockTypes, List<Integer> blockOutChannels, List<Integer> layersPerBlock,
                         int downsamplePadding, double midBlockScaleFactor, int normNumGroups, double normEps,
                         int crossAttentionDim, List<Integer> transformerLayersPerBlock, List<Integer> attentionHeads,
                         boolean useLinearProjection, boolean upcastAttention, int convInKernel, int convOutKernel,
                         Integer timeEmbeddingDim) {
    public static final String CLASS_NAME = "UNet2DConditionModel";
    public static final String CROSS_ATTN_DOWN = "CrossAttnDownBlock2D", DOWN = "DownBlock2D";
    public static final String CROSS_ATTN_UP = "CrossAttnUpBlock2D", UP = "UpBlock2D";
    public static final String MID = "UNetMidBlock2DCrossAttn";

    public UNetConfig {
        ConfigJson.requirePositive("UNetConfig.blockOutChannels", blockOutChannels);
        int n = blockOutChannels.size();
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = requireTypes("downBlockTypes", downBlockTypes, List.of(CROSS_ATTN_DOWN, DOWN), n);
        upBlockTypes = requireTypes("upBlockTypes", upBlockTypes, List.of(UP, CROSS_ATTN_UP), n);
        if (!MID.equals(midBlockType)) {
            throw new IllegalArgumentException("UNetConfig.midBlockType: unsupported block type '" + midBlockType
                    + "' (supported: " + MID + ")");
        }
        layersPerBlock = perBlock("layersPerBlock", layersPerBlock, n);
        transformerLayersPerBlock = perBlock("transformerLayersPerBlock", transformerLayersPerBlock, n);
        attentionHeads = perBlock("attentionHeads", attentionHeads, n);
        if (inChannels <= 0 || outChannels <= 0 || crossAttentionDim <= 0 || normNumGroups <= 0 || downsamplePadding < 0) {
            throw new IllegalArgumentException("UNetConfig: inChannels, outChannels, crossAttentionDim, normNumGroups must be"
                    + " positive and downsamplePadding ≥ 0, found " + inChannels + ", " + outChannels + ", " + crossAttentionDim
                    + ", " + normNumGroups + ", " + downsamplePadding);
        }
        if (!(normEps > 0) || !(midBlockScaleFactor > 0)) {
            throw new IllegalArgumentException("UNetConfig: normEps and midBlockScaleFactor must be > 0, found " + normEps
                    + ", " + midBlockScaleFactor);
        }
        if (convInKernel <= 0 || convInKernel % 2 == 0 || convOutKernel <= 0 || convOutKernel % 2 == 0) {
            throw new IllegalArgumentException("UNetConfig: conv_in_kernel and conv_out_kernel must be odd and positive, found "
                    + convInKernel + ", " + convOutKernel);
        }
        if (timeEmbeddingDim != null && timeEmbeddingDim <= 0) {
            throw new IllegalArgumentException("UNetConfig.timeEmbeddingDim must be positive or null, found " + timeEmbeddingDim);
        }
        for (int i = 0; i < n; i++) {
            int c = blockOutChannels.get(i);
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("UNetConfig: block_out_channels " + blockOutChannels
                        + " must all be divisible by norm_num_groups " + normNumGroups + ", found " + c);
            }
            boolean attends = i == n - 1 || downBlockTypes.get(i).equals(CROSS_ATTN_DOWN)
                    || upBlockTypes.get(n - 1 - i).equals(CROSS_ATTN_UP);     // the mid block attends at the coarsest level
            if (attends && c % attentionHeads.get(i) != 0) {
                throw new IllegalArgumentException("UNetConfig: block " + i + " has " + c + " channels, not divisible by its "
                        + attentionHeads.get(i) + " attention heads");
            }
        }
    }

    /**
     * An SD-v1-shaped UNet (cross-attention at every level but the coarsest) with diffusers'
     * defaults elsewhere: for training from scratch.
     */
    public static UNetConfig of(List<Integer> blockOutChannels, int layersPerBlock, int attentionHeads,
                                int crossAttentionDim, int normNumGroups, int sampleSize) {
        int n = blockOutChannels.size();
        List<String> down = new ArrayList<>(), up = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            down.add(i < n - 1 ? CROSS_ATTN_DOWN : DOWN);
            up.add(i == 0 ? UP : CROSS_ATTN_UP);
        }
        return new UNetConfig(sampleSize, 4, 4, false, true, 0, down, MID, up, blockOutChannels,
                Collections.nCopies(n, layersPerBlock), 1, 1.0, normNumGroups, 1e-5, crossAttentionDim,
                Collections.nCopies(n, 1), Collections.nCopies(n, attentionHeads), false, false, 3, 3, null);
    }

    /** Width of the time-embedding MLP (and of every resnet's time_emb_proj input). */
    public int timeEmbedDim() {
        return timeEmbeddingDim != null ? timeEmbeddingDim : 4 * blockOutChannels.get(0);
    }

    public int levels() {
        return blockOutChannels.size();
    }

    public static UNetConfig read(Path configJson) throws IOException {
        return fromJson(ConfigJson.read(configJson));
    }

    public static UNetConfig fromJson(ConfigJson c) {
        c.requireClass(CLASS_NAME);
        // Features of other diffusers UNets that SD v1/v2 do not use: must stay off.
        c.requireOff("act_fn", "silu");
        c.requireOff("time_embedding_type", "positional");
        c.requireOff("resnet_time_scale_shift", "default");
        c.requireOff("attention_type", "default");
        c.requireOff("only_cross_attention", false);
        c.requireOff("dual_cross_attention", false);
        c.requireOff("resnet_skip_time_act", false);
        c.requireOff("resnet_out_scale_factor", 1.0);
        c.requireOff("class_embeddings_concat", false);
        for (String f : List.of("addition_embed_type", "addition_time_embed_dim", "class_embed_type", "cross_attention_norm",
                "encoder_hid_dim", "encoder_hid_dim_type", "mid_block_only_cross_attention", "num_class_embeds",
                "projection_class_embeddings_input_dim", "reverse_transformer_layers_per_block", "time_cond_proj_dim",
                "time_embedding_act_fn", "timestep_post_act")) {
            c.requireOff(f, null);
        }
        List<Integer> channels = c.integers("block_out_channels", List.of(320, 640, 1280, 1280));
        int n = channels.size();
        List<Integer> heads = c.perBlock("attention_head_dim", n, Collections.nCopies(n, 8));
        heads = c.perBlock("num_attention_heads", n, heads);
        try {
            return new UNetConfig(c.optionalInteger("sample_size"), c.integer("in_channels", 4), c.integer("out_channels", 4),
                    c.bool("center_input_sample", false), c.bool("flip_sin_to_cos", true), c.integer("freq_shift", 0),
                    c.texts("down_block_types", List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN)),
                    c.text("mid_block_type", MID),
                    c.texts("up_block_types", List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP)),
                    channels, c.perBlock("layers_per_block", n, Collections.nCopies(n, 2)), c.integer("downsample_padding", 1),
                    c.number("mid_block_scale_factor", 1.0), c.integer("norm_num_groups", 32), c.number("norm_eps", 1e-5),
                    c.integer("cross_attention_dim", 1280), c.perBlock("transformer_layers_per_block", n, Collections.nCopies(n, 1)),
                    heads, c.bool("use_linear_projection", false), c.bool("upcast_attention", false),
                    c.integer("conv_in_kernel", 3), c.integer("conv_out_kernel", 3), c.optionalInteger("time_embedding_dim"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.where() + ": " + e.getMessage(), e);
        }
    }

    /**
     * This configuration as a diffusers UNet2DConditionModel config.json. Heads go to
     * attention_head_dim with num_attention_heads null: the only form diffusers 0.31 accepts.
     */
    public ObjectNode toJson() {
        ObjectNode n = ConfigJson.JSON.createObjectNode();
        n.put("_class_name", CLASS_NAME);
        n.put("_diffusers_version", ConfigJson.DIFFUSERS_VERSION);
        n.put("act_fn", "silu");
        ConfigJson.putPerBlock(n, "attention_head_dim", attentionHeads);
        ConfigJson.putInts(n, "block_out_channels", blockOutChannels);
        n.put("center_input_sample", centerInputSample);
        n.put("conv_in_kernel", convInKernel);
        n.put("conv_out_kernel", convOutKernel);
        n.put("cross_attention_dim", crossAttentionDim);
        ConfigJson.putTexts(n, "down_block_types", downBlockTypes);
        n.put("downsample_padding", downsamplePadding);
        n.put("dropout", 0.0);
        n.put("flip_sin_to_cos", flipSinToCos);
        n.put("freq_shift", freqShift);
        n.put("in_channels", inChannels);
        ConfigJson.putPerBlock(n, "layers_per_block", layersPerBlock);
        n.put("mid_block_scale_factor", midBlockScaleFactor);
        n.put("mid_block_type", midBlockType);
        n.put("norm_eps", normEps);
        n.put("norm_num_groups", normNumGroups);
        n.putNull("num_attention_heads");
        n.put("out_channels", outChannels);
        if (sampleSize == null) n.putNull("sample_size");
        else n.put("sample_size", sampleSize);
        if (timeEmbeddingDim == null) n.putNull("time_embedding_dim");
        else n.put("time_embedding_dim", timeEmbeddingDim);
        n.put("time_embedding_type", "positional");
        ConfigJson.putPerBlock(n, "transformer_layers_per_block", transformerLayersPerBlock);
        ConfigJson.putTexts(n, "up_block_types", upBlockTypes);
        n.put("upcast_attention", upcastAttention);
        n.put("use_linear_projection", useLinearProjection);
        return n;
    }

    public void write(Path configJson) throws IOException {
        ConfigJson.write(toJson(), configJson);
    }

    private static List<String> requireTypes(String field, List<String> types, List<String> supported, int levels) {
        if (types == null || types.size() != levels) {
            throw new IllegalArgumentException("UNetConfig." + field + ": expected one per block_out_channels entry (" + levels
                    + "), found " + types);
        }
        for (String t : types) {
            if (!supported.contains(t)) {
                throw new IllegalArgumentException("UNetConfig." + field + ": unsupported block type '" + t + "' (supported: "
                        + String.join(", ", supported) + ")");
            }
        }
        return List.copyOf(types);
    }

    private static List<Integer> perBlock(String field, List<Integer> values, int levels) {
        ConfigJson.requirePositive("UNetConfig." + field, values);
        if (values.size() != levels) {
            throw new IllegalArgumentException("UNetConfig." + field + ": expected one per block_out_channels entry (" + levels
                    + "), found " + values);
        }
        return List.copyOf(values);
    }
}
