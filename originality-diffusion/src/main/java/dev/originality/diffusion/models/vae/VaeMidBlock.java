package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.models.blocks.SpatialSelfAttention;

/** diffusers UNetMidBlock2D as the VAE uses it: resnet → single-head attention (optional) → resnet. */
record VaeMidBlock(ResnetBlock2D first, SpatialSelfAttention attention /* null without attention */, ResnetBlock2D second) {

    static VaeMidBlock load(Params p, int channels, VaeConfig c) {
        int g = c.normNumGroups();
        double eps = VaeConfig.NORM_EPS;
        return new VaeMidBlock(
                ResnetBlock2D.load(p.at("resnets", 0), channels, channels, 0, g, eps, 1.0),
                c.midBlockAddAttention() ? SpatialSelfAttention.load(p.at("attentions", 0), channels, g, eps) : null,
                ResnetBlock2D.load(p.at("resnets", 1), channels, channels, 0, g, eps, 1.0));
    }

    /** x: [B, C, h, w] → same shape. */
    NDArray forward(NDArray x) {
        NDArray h = first.forward(x, null);
        if (attention != null) h = attention.forward(h);
        return second.forward(h, null);
    }
}
