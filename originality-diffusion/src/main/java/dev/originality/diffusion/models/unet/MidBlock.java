package dev.originality.diffusion.models.unet;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.models.blocks.Transformer2DModel;

/** UNetMidBlock2DCrossAttn: resnet → Transformer2DModel → resnet at the coarsest level. */
record MidBlock(ResnetBlock2D first, Transformer2DModel attention, ResnetBlock2D second) {

    static MidBlock load(Params p, UNetConfig c) {
        int top = c.levels() - 1, ch = c.blockOutChannels().get(top);
        return new MidBlock(
                ResnetBlock2D.load(p.at("resnets", 0), ch, ch, c.timeEmbedDim(), c.normNumGroups(), c.normEps(),
                        c.midBlockScaleFactor()),
                Transformer2DModel.load(p.at("attentions", 0), ch, c.attentionHeads().get(top), c.crossAttentionDim(),
                        c.transformerLayersPerBlock().get(top), c.normNumGroups(), c.useLinearProjection()),
                ResnetBlock2D.load(p.at("resnets", 1), ch, ch, c.timeEmbedDim(), c.normNumGroups(), c.normEps(),
                        c.midBlockScaleFactor()));
    }

    /** h: [B, C, h, w], temb: [B, T], context: [B, L, Cctx] → [B, C, h, w]. */
    NDArray forward(NDArray h, NDArray temb, NDArray context) {
        h = first.forward(h, temb);
        h = attention.forward(h, context);
        return second.forward(h, temb);
    }
}
