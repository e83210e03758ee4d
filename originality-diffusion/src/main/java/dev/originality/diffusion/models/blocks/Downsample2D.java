package dev.originality.diffusion.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Stride-2 3x3 convolution (tensor {@code conv}). With padding 0 (the VAE's) diffusers pads the
 * right and bottom edges by one zero first, so odd and even sizes both halve (rounding up).
 */
public record Downsample2D(Conv2d conv, boolean padRightBottom) {

    public static Downsample2D load(Params p, int channels, int padding) {
        return new Downsample2D(Conv2d.load(p.at("conv"), channels, channels, 3, 2, padding), padding == 0);
    }

    /** x: [B, C, H, W] → [B, C, ⌈H/2⌉, ⌈W/2⌉]. */
    public NDArray forward(NDArray x) {
        // torch pad order: (left, right, top, bottom) for the last two dimensions.
        return conv.forward(padRightBottom ? x.pad(new Shape(0, 1, 0, 1), 0) : x);
    }
}
