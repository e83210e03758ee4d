package dev.originality.diffusion.models.vae;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.blocks.ConfigJson;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * The configuration of an {@link AutoencoderKL}, field for field diffusers' (its config.json
 * names in the comments). Defaults are diffusers' AutoencoderKL defaults; SD v1 uses
 * channels (128, 256, 512, 512), 2 layers per block, 32 groups, scaling factor 0.18215.
 *
 * @param inChannels          in_channels: image channels (3)
 * @param outChannels         out_channels: decoded image channels (3)
 * @param downBlockTypes      down_block_types: each "DownEncoderBlock2D"
 * @param upBlockTypes        up_block_types: each "UpDecoderBlock2D"
 * @param blockOutChannels    block_out_channels: channels per resolution level, finest first
 * @param layersPerBlock      layers_per_block: resnets per encoder block (decoder blocks have one more)
 * @param latentChannels      latent_channels (4)
 * @param normNumGroups       norm_num_groups: GroupNorm groups everywhere
 * @param sampleSize          sample_size: the image size it was trained at (informational)
 * @param scalingFactor       scaling_factor: latents are multiplied by it before the UNet
 * @param shiftFactor         shift_factor: null for SD v1 (carried, not applied: pipelines apply it)
 * @param forceUpcast         force_upcast (informational: we compute in float32)
 * @param useQuantConv        use_quant_conv: the 1x1 conv after the encoder
 * @param usePostQuantConv    use_post_quant_conv: the 1x1 conv before the decoder
 * @param midBlockAddAttention mid_block_add_attention: attention between the mid block's resnets
 */
public record VaeConfig(int inChannels, int outChannels, List<String> downBlockTypes, List<String> upBlockTypes,
                        List<Integer> blockOutChannels, int layersPerBlock, int latentChannels, int normNumGroups,
                        int sampleSize, double scalingFactor, Double shiftFactor, boolean forceUpcast,
                        boolean useQuantConv, boolean usePostQuantConv, boolean midBlockAddAttention) {
    public static final String CLASS_NAME = "AutoencoderKL";
    public static final String DOWN_BLOCK = "DownEncoderBlock2D";
    public static final String UP_BLOCK = "UpDecoderBlock2D";
    /** diffusers' epsilon for every VAE GroupNorm. */
    public static final double NORM_EPS = 1e-6;

    public VaeConfig {
        ConfigJson.requirePositive("VaeConfig.blockOutChannels", blockOutChannels);
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        requireTypes("downBlockTypes", downBlockTypes, DOWN_BLOCK, blockOutChannels.size());
        requireTypes("upBlockTypes", upBlockTypes, UP_BLOCK, blockOutChannels.size());
        if (inChannels <= 0 || outChannels <= 0 || latentChannels <= 0 || layersPerBlock <= 0 || sampleSize <= 0) {
            throw new IllegalArgumentException("VaeConfig: inChannels, outChannels, latentChannels, layersPerBlock and sampleSize"
                    + " must be positive, found " + inChannels + ", " + outChannels + ", " + latentChannels + ", "
                    + layersPerBlock + ", " + sampleSize);
        }
        if (normNumGroups <= 0) throw new IllegalArgumentException("VaeConfig.normNumGroups must be positive, found " + normNumGroups);
        for (int c : blockOutChannels) {
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("VaeConfig: block_out_channels " + blockOutChannels
                        + " must all be divisible by norm_num_groups " + normNumGroups + ", found " + c);
            }
        }
        if (!(scalingFactor > 0)) throw new IllegalArgumentException("VaeConfig.scalingFactor must be > 0, found " + scalingFactor);
    }

    /** A VAE with the standard block types and diffusers' defaults elsewhere: for training from scratch. */
    public static VaeConfig of(List<Integer> blockOutChannels, int layersPerBlock, int normNumGroups, int latentChannels,
                               int sampleSize) {
        int n = blockOutChannels.size();
        return new VaeConfig(3, 3, Collections.nCopies(n, DOWN_BLOCK), Collections.nCopies(n, UP_BLOCK), blockOutChannels,
                layersPerBlock, latentChannels, normNumGroups, sampleSize, 0.18215, null, true, true, true, true);
    }

    /** Image size / latent size: 2^(levels-1). */
    public int downscaleFactor() {
        return 1 << (blockOutChannels.size() - 1);
    }

    public static VaeConfig read(Path configJson) throws IOException {
        return fromJson(ConfigJson.read(configJson));
    }

    public static VaeConfig fromJson(ConfigJson c) {
        c.requireClass(CLASS_NAME);
        c.requireOff("act_fn", "silu");
        c.requireOff("latents_mean", null);
        c.requireOff("latents_std", null);
        List<Integer> channels = c.integers("block_out_channels", List.of(64));
        try {
            return new VaeConfig(c.integer("in_channels", 3), c.integer("out_channels", 3),
                    c.texts("down_block_types", List.of(DOWN_BLOCK)), c.texts("up_block_types", List.of(UP_BLOCK)),
                    channels, c.integer("layers_per_block", 1), c.integer("latent_channels", 4),
                    c.integer("norm_num_groups", 32), c.integer("sample_size", 32), c.number("scaling_factor", 0.18215),
                    c.optionalNumber("shift_factor"), c.bool("force_upcast", true), c.bool("use_quant_conv", true),
                    c.bool("use_post_quant_conv", true), c.bool("mid_block_add_attention", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.where() + ": " + e.getMessage(), e);
        }
    }

    /** This configuration as a diffusers AutoencoderKL config.json. */
    public ObjectNode toJson() {
        ObjectNode n = ConfigJson.JSON.createObjectNode();
        n.put("_class_name", CLASS_NAME);
        n.put("_diffusers_version", ConfigJson.DIFFUSERS_VERSION);
        n.put("act_fn", "silu");
        ConfigJson.putInts(n, "block_out_channels", blockOutChannels);
        ConfigJson.putTexts(n, "down_block_types", downBlockTypes);
        n.put("force_upcast", forceUpcast);
        n.put("in_channels", inChannels);
        n.put("latent_channels", latentChannels);
        n.putNull("latents_mean");
        n.putNull("latents_std");
        n.put("layers_per_block", layersPerBlock);
        n.put("mid_block_add_attention", midBlockAddAttention);
        n.put("norm_num_groups", normNumGroups);
        n.put("out_channels", outChannels);
        n.put("sample_size", sampleSize);
        n.put("scaling_factor", scalingFactor);
        if (shiftFactor == null) n.putNull("shift_factor");
        else n.put("shift_factor", shiftFactor);
        ConfigJson.putTexts(n, "up_block_types", upBlockTypes);
        n.put("use_post_quant_conv", usePostQuantConv);
        n.put("use_quant_conv", useQuantConv);
        return n;
    }

    public void write(Path configJson) throws IOException {
        ConfigJson.write(toJson(), configJson);
    }

    private static void requireTypes(String field, List<String> types, String supported, int levels) {
        if (types.size() != levels) {
            throw new IllegalArgumentException("VaeConfig." + field + ": expected one per block_out_channels entry (" + levels
                    + "), found " + types.size() + " " + types);
        }
        for (String t : types) {
            if (!t.equals(supported)) {
                throw new IllegalArgumentException("VaeConfig." + field + ": unsupported block type '" + t + "' (supported: "
                        + supported + ")");
            }
        }
    }
}
