package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;

/**
 * diffusers' ResnetBlock2D ("default" time-embedding norm): GroupNorm → SiLU → conv1
 * (+ projected time embedding) → GroupNorm → SiLU → conv2, added to the input (through a 1x1
 * conv_shortcut when the channel count changes) and divided by the output scale factor.
 */
public record ResnetBlock2D(GroupNorm norm1, Conv2d conv1, Linear timeEmbProj /* null without time embedding */,
                            GroupNorm norm2, Conv2d conv2, Conv2d convShortcut /* null when in == out */,
                            double outputScaleFactor) {

    /** {@code temb} = 0 builds the block without a time embedding (the VAE's). */
    public static ResnetBlock2D load(Params p, int in, int out, int temb, int groups, double eps, double outputScaleFactor) {
        return new ResnetBlock2D(
                GroupNorm.load(p.at("norm1"), in, groups, eps),
                Conv2d.load(p.at("conv1"), in, out, 3),
                temb > 0 ? Linear.load(p.at("time_emb_proj"), temb, out, true) : null,
                GroupNorm.load(p.at("norm2"), out, groups, eps),
                Conv2d.load(p.at("conv2"), out, out, 3),
                in != out ? Conv2d.load(p.at("conv_shortcut"), in, out, 1) : null,
                outputScaleFactor);
    }

    /** x: [B, Cin, H, W], temb: [B, T] (null for the VAE) → [B, Cout, H, W]. */
    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        if (timeEmbProj != null) {
            NDArray t = timeEmbProj.forward(Ops.silu(temb));                  // [B, Cout]
            h = h.add(t.expandDims(2).expandDims(3));
        }
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        NDArray shortcut = convShortcut != null ? convShortcut.forward(x) : x;
        NDArray out = shortcut.add(h);
        return outputScaleFactor == 1.0 ? out : out.div(Ops.constant(out, outputScaleFactor));
    }
}
