package dev.originality.diffusion.models.unet;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.models.blocks.Transformer2DModel;
import dev.originality.diffusion.models.blocks.Upsample2D;

import java.util.ArrayList;
import java.util.List;

/**
 * UpBlock2D or CrossAttnUpBlock2D: layers_per_block + 1 resnets, each fed the running features
 * concatenated (on channels) with the latest unused skip connection, each followed by a
 * Transformer2DModel in the cross-attention variant; then ×2 upsampling except at the finest level.
 */
record UpBlock(List<ResnetBlock2D> resnets, List<Transformer2DModel> attentions /* empty for UpBlock2D */,
               Upsample2D upsampler /* null at the finest level */) {

    /** index: position among the up blocks (0 = coarsest); prevOut: channels coming from below. */
    static UpBlock load(Params p, UNetConfig c, int index, int prevOut) {
        int n = c.levels(), level = n - 1 - index;                              // the matching down level
        int out = c.blockOutChannels().get(level);
        int in = c.blockOutChannels().get(Math.max(level - 1, 0));              // channels of the block's first skip
        boolean crossAttn = c.upBlockTypes().get(index).equals(UNetConfig.CROSS_ATTN_UP);
        int layers = c.layersPerBlock().get(level) + 1;
        List<ResnetBlock2D> resnets = new ArrayList<>();
        List<Transformer2DModel> attentions = new ArrayList<>();
        for (int j = 0; j < layers; j++) {
            int skip = j == layers - 1 ? in : out;
            int below = j == 0 ? prevOut : out;
            resnets.add(ResnetBlock2D.load(p.at("resnets", j), below + skip, out, c.timeEmbedDim(), c.normNumGroups(),
                    c.normEps(), 1.0));
            if (crossAttn) {
                attentions.add(Transformer2DModel.load(p.at("attentions", j), out, c.attentionHeads().get(level),
                        c.crossAttentionDim(), c.transformerLayersPerBlock().get(level), c.normNumGroups(),
                        c.useLinearProjection()));
            }
        }
        boolean last = index == n - 1;
        return new UpBlock(List.copyOf(resnets), List.copyOf(attentions), last ? null : Upsample2D.load(p.at("upsamplers", 0), out));
    }

    /**
     * h: [B, Cprev, h, w], temb: [B, T], context: [B, L, Cctx] → [B, Cout, 2h, 2w] (or the size of
     * the next skip connection, which may be odd); consumes its skips from the end of {@code skips}.
     */
    NDArray forward(NDArray h, NDArray temb, NDArray context, List<NDArray> skips) {
        for (int j = 0; j < resnets.size(); j++) {
            NDArray skip = skips.remove(skips.size() - 1);
            h = resnets.get(j).forward(h.concat(skip, 1), temb);
            if (!attentions.isEmpty()) h = attentions.get(j).forward(h, context);
        }
        if (upsampler == null) return h;
        NDArray next = skips.get(skips.size() - 1);                             // the size the next level expects
        return upsampler.forward(h, next.getShape().get(2), next.getShape().get(3));
    }
}
