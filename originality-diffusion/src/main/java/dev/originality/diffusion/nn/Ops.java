package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layer functions every model is written with: plain functions of (input, weights).
 * Rules that keep autograd sound on DJL: the input is always the first operand (results belong
 * to the first operand's manager, so a step's manager owns every intermediate), and no op takes
 * a Java scalar — DJL builds such scalars over buffers it may free while the graph still needs
 * them — so constants come from {@link #constant}, created once and kept alive.
 */
public final class Ops {
    private static final NDManager CONSTANTS = NDManager.newBaseManager();
    private static final Map<String, NDArray> CACHE = new ConcurrentHashMap<>();

    private Ops() {}

    /** A 0-d constant of x's dtype and device, created once per (value, dtype, device). */
    public static NDArray constant(NDArray like, double value) {
        String key = value + "/" + like.getDataType() + "/" + like.getDevice();
        return CACHE.computeIfAbsent(key, k -> {
            NDArray c = CONSTANTS.create((float) value).toDevice(like.getDevice(), false);
            return c.getDataType() == like.getDataType() ? c : c.toType(like.getDataType(), false);
        });
    }

    /** x: [..., in] · w: [out, in] + b: [out] → [..., out]. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    /** Convolutions with fewer output channels than this run with zero filters added (see {@link #conv2d}). */
    public static final int MIN_CONV_OUT_CHANNELS = 16;

    /**
     * x: [B, Cin, H, W], w: [Cout, Cin, k, k] → [B, Cout, H', W'].
     * <p>With fewer than {@link #MIN_CONV_OUT_CHANNELS} filters (the UNet's conv_out has 4, the VAE decoder's 3)
     * libtorch 2.5.1's CPU convolution backward intermittently hands the next op of the backward pass garbage:
     * measured on the shipped UNet at batch 2, one thread, 3x3 filters, 3-4 output channels, every element of the
     * text states' gradient came out NaN in about 1 step in 10 (0 of 90 at 8, 12, 16 or 32 channels), and
     * textual inversion died at step 6. The same filters padded with zero filters to 16, the output sliced back,
     * give the same values forward and never failed (ConvBackwardTest); the extra filters cost little, these
     * being the narrowest convolutions of every model.
     */
    public static NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride, int padding) {
        long cout = w.getShape().get(0);
        if (cout >= MIN_CONV_OUT_CHANNELS) return conv(x, w, b, stride, padding);
        NDArray wPad = zeroRowsTo(w, x), bPad = b == null ? null : zeroRowsTo(b, x);   // [16, Cin, k, k], [16]
        return conv(x, wPad, bPad, stride, padding).get(new NDIndex(":, :{}", cout));    // [B, Cout, H', W']
    }

    /** a: [n, ...] with zero rows appended up to MIN_CONV_OUT_CHANNELS, owned by x's (per-step) manager. */
    private static NDArray zeroRowsTo(NDArray a, NDArray x) {
        long[] shape = a.getShape().getShape().clone();
        shape[0] = MIN_CONV_OUT_CHANNELS - shape[0];
        return onInputManager(a.concat(x.getManager().zeros(new Shape(shape), a.getDataType(), a.getDevice()), 0), x);
    }

    private static NDArray conv(NDArray x, NDArray w, NDArray b, int stride, int padding) {
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** LayerNorm over the last dimension. x: [..., C], gamma/beta: [C]. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, (float) eps).singletonOrThrow();
    }

    /**
     * GroupNorm (DJL has none): normalise over (C/G, H, W) per group, then the per-channel affine.
     * x: [B, C, H, W] (or [B, C, L]), gamma/beta: [C].
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, double eps) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1);
        NDArray g = x.reshape(b, groups, -1);                                   // [B, G, C/G·H·W]
        NDArray mean = g.mean(new int[] {2}, true);                             // [B, G, 1]
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);               // biased, as torch
        NDArray normed = centred.div(var.add(constant(x, eps)).sqrt()).reshape(s);
        long[] affine = new long[s.dimension()];
        java.util.Arrays.fill(affine, 1);
        affine[1] = c;                                                          // [1, C, 1, 1]
        return normed.mul(onInputManager(gamma.reshape(affine), x)).add(onInputManager(beta.reshape(affine), x));
    }

    /**
     * A view made from a weight belongs to the weight's long-lived manager; moving it to the
     * input's (per-step) manager frees it with the step instead of leaking one per call.
     */
    private static NDArray onInputManager(NDArray derived, NDArray input) {
        derived.attach(input.getManager());
        return derived;
    }

    /** SiLU / swish: x·σ(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** CLIP's quick_gelu: x·σ(1.702x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(x.mul(constant(x, 1.702)).getNDArrayInternal().sigmoid());
    }

    /** Exact (erf) GELU, as torch.nn.functional.gelu. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /**
     * Multi-head scaled dot-product attention. q: [B, N, C], k/v: [B, M, C] → [B, N, C]; mask (optional): additive,
     * broadcastable to [B, h, N, M]. Without a mask, libtorch's fused kernel ({@link FusedAttention}) runs on a GPU and,
     * on a CPU, once the score map would reach {@link FusedAttention#CPU_MIN_SCORES} elements; below that (and with a
     * mask) the softmax path, which is as fast there or faster.
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
        long bsz = q.getShape().get(0), n = q.getShape().get(1), c = q.getShape().get(2), m = k.getShape().get(1);
        long d = c / heads;
        NDArray qh = q.reshape(bsz, n, heads, d).transpose(0, 2, 1, 3);        // [B, h, N, d]
        NDArray kh = k.reshape(bsz, m, heads, d).transpose(0, 2, 1, 3);        // [B, h, M, d]
        NDArray vh = v.reshape(bsz, m, heads, d).transpose(0, 2, 1, 3);        // [B, h, M, d]
        // size and device first: small CPU maps never load the fused module
        boolean fused = mask == null && (q.getDevice().isGpu() || bsz * heads * n * m >= FusedAttention.CPU_MIN_SCORES)
                && FusedAttention.enabled();
        NDArray out = fused ? FusedAttention.apply(qh, kh, vh) : softmaxAttention(qh, kh, vh, mask);
        return out.transpose(0, 2, 1, 3).reshape(bsz, n, c);                   // [B, N, C]
    }

    /** The unfused path: softmax(qh khᵀ / √d + mask) vh, materialising the [B, h, N, M] scores. */
    static NDArray softmaxAttention(NDArray qh, NDArray kh, NDArray vh, NDArray mask) {
        long d = qh.getShape().get(3);
        NDArray scores = qh.mul(constant(qh, 1.0 / Math.sqrt(d))).matMul(kh.transpose(0, 1, 3, 2)); // [B, h, N, M]
        if (mask != null) scores = scores.add(mask);
        return scores.softmax(-1).matMul(vh);                                   // [B, h, N, d]
    }

    /** Nearest-neighbour ×2 upsampling. x: [B, C, H, W] → [B, C, 2H, 2W]. */
    public static NDArray upsampleNearest2x(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    public static boolean isFloat(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 || x.getDataType() == DataType.FLOAT16
                || x.getDataType() == DataType.BFLOAT16 || x.getDataType() == DataType.FLOAT64;
    }

    public static NDList list(NDArray... xs) {
        return new NDList(xs);
    }
}
