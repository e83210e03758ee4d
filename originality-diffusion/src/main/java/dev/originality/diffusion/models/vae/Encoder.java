package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.Downsample2D;
import dev.originality.diffusion.models.blocks.GroupNorm;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.nn.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * The VAE encoder: conv_in; per level DownEncoderBlock2D (resnets, then a stride-2 downsampler
 * except at the coarsest level); mid block; GroupNorm, SiLU, conv_out to 2·latent channels
 * (mean and log-variance).
 */
record Encoder(Conv2d convIn, List<DownLevel> downBlocks, VaeMidBlock mid, GroupNorm convNormOut, Conv2d convOut) {

    /** One DownEncoderBlock2D. */
    record DownLevel(List<ResnetBlock2D> resnets, Downsample2D downsampler /* null at the coarsest level */) {
        NDArray forward(NDArray x) {                                            // [B, Cin, H, W]
            for (ResnetBlock2D r : resnets) x = r.forward(x, null);
            return downsampler != null ? downsampler.forward(x) : x;              // [B, C, ⌈H/2⌉, ⌈W/2⌉]
        }
    }

    static Encoder load(Params p, VaeConfig c) {
        List<Integer> ch = c.blockOutChannels();
        int g = c.normNumGroups();
        double eps = VaeConfig.NORM_EPS;
        Conv2d convIn = Conv2d.load(p.at("conv_in"), c.inChannels(), ch.get(0), 3);
        List<DownLevel> levels = new ArrayList<>();
        int out = ch.get(0);
        for (int i = 0; i < ch.size(); i++) {
            int in = out;
            out = ch.get(i);
            Params b = p.at("down_blocks", i);
            List<ResnetBlock2D> resnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                resnets.add(ResnetBlock2D.load(b.at("resnets", j), j == 0 ? in : out, out, 0, g, eps, 1.0));
            }
            boolean last = i == ch.size() - 1;
            // DownEncoderBlock2D uses downsample_padding 0: pad right/bottom, then convolve.
            levels.add(new DownLevel(List.copyOf(resnets), last ? null : Downsample2D.load(b.at("downsamplers", 0), out, 0)));
        }
        int top = ch.get(ch.size() - 1);
        return new Encoder(convIn, List.copyOf(levels), VaeMidBlock.load(p.at("mid_block"), top, c),
                GroupNorm.load(p.at("conv_norm_out"), top, g, eps),
                Conv2d.load(p.at("conv_out"), top, 2L * c.latentChannels(), 3));
    }

    /** images: [B, 3, H, W] → moments before quant_conv: [B, 2·latent, H/f, W/f]. */
    NDArray forward(NDArray images) {
        NDArray h = convIn.forward(images);
        for (DownLevel level : downBlocks) h = level.forward(h);
        h = mid.forward(h);
        return convOut.forward(Ops.silu(convNormOut.forward(h)));
    }
}
