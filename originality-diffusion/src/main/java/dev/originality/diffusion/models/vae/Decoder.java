package dev.originality.diffusion.models.vae;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.GroupNorm;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.blocks.ResnetBlock2D;
import dev.originality.diffusion.models.blocks.Upsample2D;
import dev.originality.diffusion.nn.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * The VAE decoder: conv_in from latent channels; mid block; per level, coarsest first,
 * UpDecoderBlock2D (layers_per_block + 1 resnets, then nearest ×2 + conv except at the finest
 * level); GroupNorm, SiLU, conv_out to image channels.
 */
record Decoder(Conv2d convIn, VaeMidBlock mid, List<UpLevel> upBlocks, GroupNorm convNormOut, Conv2d convOut) {

    /** One UpDecoderBlock2D. */
    record UpLevel(List<ResnetBlock2D> resnets, Upsample2D upsampler /* null at the finest level */) {
        NDArray forward(NDArray x) {                                            // [B, Cin, h, w]
            for (ResnetBlock2D r : resnets) x = r.forward(x, null);
            return upsampler != null ? upsampler.forward(x) : x;                  // [B, C, 2h, 2w]
        }
    }

    static Decoder load(Params p, VaeConfig c) {
        List<Integer> reversed = new ArrayList<>(c.blockOutChannels());
        java.util.Collections.reverse(reversed);
        int g = c.normNumGroups();
        double eps = VaeConfig.NORM_EPS;
        int top = reversed.get(0);
        Conv2d convIn = Conv2d.load(p.at("conv_in"), c.latentChannels(), top, 3);
        VaeMidBlock mid = VaeMidBlock.load(p.at("mid_block"), top, c);
        List<UpLevel> levels = new ArrayList<>();
        int out = top;
        for (int i = 0; i < reversed.size(); i++) {
            int in = out;
            out = reversed.get(i);
            Params b = p.at("up_blocks", i);
            List<ResnetBlock2D> resnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                resnets.add(ResnetBlock2D.load(b.at("resnets", j), j == 0 ? in : out, out, 0, g, eps, 1.0));
            }
            boolean last = i == reversed.size() - 1;
            levels.add(new UpLevel(List.copyOf(resnets), last ? null : Upsample2D.load(b.at("upsamplers", 0), out)));
        }
        int finest = reversed.get(reversed.size() - 1);
        return new Decoder(convIn, mid, List.copyOf(levels), GroupNorm.load(p.at("conv_norm_out"), finest, g, eps),
                Conv2d.load(p.at("conv_out"), finest, c.outChannels(), 3));
    }

    /** z: [B, latent, h, w] (after post_quant_conv) → images [B, 3, h·f, w·f]. */
    NDArray forward(NDArray z) {
        NDArray h = mid.forward(convIn.forward(z));
        for (UpLevel level : upBlocks) h = level.forward(h);
        return convOut.forward(Ops.silu(convNormOut.forward(h)));
    }
}
