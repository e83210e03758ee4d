package dev.originality.diffusion.models.unet;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Downsample2D;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.models.blocks.Transformer2DModel;

import java.util.ArrayList;
import java.util.List;

/**
 * CrossAttnDownBlock2D (a Transformer2DModel after every resnet) or DownBlock2D (none), then a
 * stride-2 downsampler except at the coarsest level. Every resnet/attention output and the
 * downsampler output become skip connections for the up blocks.
 */
record DownBlock(List<ResnetBlock2D> resnets, List<Transformer2DModel> attentions /* empty for DownBlock2D */,
                 Downsample2D downsampler /* null at the coarsest level */) {

    static DownBlock load(Params p, UNetConfig c, int level, int in) {
        int out = c.blockOutChannels().get(level);
        boolean crossAttn = c.downBlockTypes().get(level).equals(UNetConfig.CROSS_ATTN_DOWN);
        List<ResnetBlock2D> resnets = new ArrayList<>();
        List<Transformer2DModel> attentions = new ArrayList<>();
        for (int j = 0; j < c.layersPerBlock().get(level); j++) {
            resnets.add(ResnetBlock2D.load(p.at("resnets", j), j == 0 ? in : out, out, c.timeEmbedDim(), c.normNumGroups(),
                    c.normEps(), 1.0));
            if (crossAttn) {
                attentions.add(Transformer2DModel.load(p.at("attentions", j), out, c.attentionHeads().get(level),
                        c.crossAttentionDim(), c.transformerLayersPerBlock().get(level), c.normNumGroups(),
                        c.useLinearProjection()));
            }
        }
        boolean last = level == c.levels() - 1;
        return new DownBlock(List.copyOf(resnets), List.copyOf(attentions),
                last ? null : Downsample2D.load(p.at("downsamplers", 0), out, c.downsamplePadding()));
    }

    /**
     * h: [B, Cin, H, W], temb: [B, T], context: [B, L, Cctx] → [B, Cout, H', W'];
     * appends this block's skip connections to {@code skips}.
     */
    NDArray forward(NDArray h, NDArray temb, NDArray context, List<NDArray> skips) {
        for (int j = 0; j < resnets.size(); j++) {
            h = resnets.get(j).forward(h, temb);
            if (!attentions.isEmpty()) h = attentions.get(j).forward(h, context);
            skips.add(h);
        }
        if (downsampler != null) {
            h = downsampler.forward(h);
            skips.add(h);
        }
        return h;
    }
}
