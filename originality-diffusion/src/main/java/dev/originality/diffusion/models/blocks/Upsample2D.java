package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.originality.diffusion.nn.Ops;

/** Nearest-neighbour ×2 upsampling followed by a 3x3 convolution (tensor {@code conv}). */
public record Upsample2D(Conv2d conv) {

    public static Upsample2D load(Params p, int channels) {
        return new Upsample2D(Conv2d.load(p.at("conv"), channels, channels, 3));
    }

    /** x: [B, C, H, W] → [B, C, 2H, 2W]. */
    public NDArray forward(NDArray x) {
        return conv.forward(Ops.upsampleNearest2x(x));
    }

    /**
     * x: [B, C, H, W] → [B, C, outH, outW], for the UNet when a skip connection has an odd size:
     * nearest interpolation to 2H-1 picks the same source pixels as ×2 then cropping.
     */
    public NDArray forward(NDArray x, long outH, long outW) {
        long h = x.getShape().get(2), w = x.getShape().get(3);
        if (outH == 2 * h && outW == 2 * w) return forward(x);
        if (outH > 2 * h || outW > 2 * w || outH < 2 * h - 1 || outW < 2 * w - 1) {
            throw new IllegalArgumentException("Upsample2D: cannot upsample " + h + "x" + w + " to " + outH + "x" + outW
                    + " (expected 2H or 2H-1 per side)");
        }
        NDArray up = Ops.upsampleNearest2x(x).get(new NDIndex(":, :, :{}, :{}", outH, outW));
        return conv.forward(up);
    }
}
