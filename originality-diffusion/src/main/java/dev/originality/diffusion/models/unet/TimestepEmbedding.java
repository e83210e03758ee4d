package dev.originality.diffusion.models.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.models.blocks.Linear;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;

/**
 * diffusers Timesteps + TimestepEmbedding: the sinusoidal projection of each timestep
 * (frequencies exp(-ln(10000)·i / (half - freq_shift)), [sin, cos] or flipped to [cos, sin]),
 * then linear_1 → SiLU → linear_2.
 */
record TimestepEmbedding(NDArray freqs /* [1, dim/2] */, int dim, boolean flipSinToCos, Linear linear1, Linear linear2) {

    static TimestepEmbedding load(Params p, NDManager manager, UNetConfig c) {
        int dim = c.blockOutChannels().get(0), half = dim / 2;
        // Computed with libtorch float32 ops, in the order diffusers computes them, to match its rounding.
        NDArray arange = manager.arange(0f, (float) half, 1f, DataType.FLOAT32);
        NDArray freqs = arange.mul(Ops.constant(arange, -Math.log(10000)))
                .div(Ops.constant(arange, half - c.freqShift())).exp().reshape(1, half);
        return new TimestepEmbedding(freqs, dim, c.flipSinToCos(),
                Linear.load(p.at("time_embedding.linear_1"), dim, c.timeEmbedDim(), true),
                Linear.load(p.at("time_embedding.linear_2"), c.timeEmbedDim(), c.timeEmbedDim(), true));
    }

    /** t: [B] float32 → [B, dim], the "time_proj" output. */
    NDArray project(NDArray t) {
        long b = t.getShape().get(0);
        NDArray arg = t.reshape(b, 1).mul(freqs);                                 // [B, dim/2]
        NDArray sin = arg.sin(), cos = arg.cos();
        NDArray emb = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
        return dim % 2 == 1 ? emb.pad(new Shape(0, 1), 0) : emb;
    }

    /** tProj: [B, dim] → [B, timeEmbedDim]. */
    NDArray embed(NDArray tProj) {
        return linear2.forward(Ops.silu(linear1.forward(tProj)));
    }
}
