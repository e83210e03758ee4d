package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;

import java.util.Locale;

/**
 * libtorch's fused {@code scaled_dot_product_attention}, which DJL 0.33 has no binding for, reached through a
 * one-op TorchScript module ({@link TorchScriptOp}). On CPU it runs the blocked flash-attention kernel: the [B, h, N, M] score map is never
 * materialised. Measured on this 2-core CPU (tuned malloc, forward / forward + backward, unfused against fused):
 * SD v1.x's 4,096-position self-attention 1,678 / 3,034 ms against 136 / 826 ms, 8 x 4 heads over 512 positions
 * 156 / 332 against 12 / 35 ms — but the shapes UNet's 20 x 4 heads over 256 positions 10.8 / 32.8 against 11.1 /
 * 34.2 ms, and cross-attention over 32 text states 3.0 / 11.5 against 4.3 / 16.6 ms: the kernel wins once the score
 * map outgrows the caches and malloc's 32 MiB threshold, and loses a little below. Hence {@link #CPU_MIN_SCORES}.
 * Autograd runs through it (values and input gradients agree with the unfused path to float rounding,
 * AttentionBackendTest).
 *
 * <p>Chosen by the system property {@code originality.attention}: {@code fused} (default) or {@code math} (the
 * unfused path everywhere; also the fallback when the module cannot be loaded, see {@link #status()}).
 */
public final class FusedAttention {
    public static final String PROPERTY = "originality.attention";

    /** On a CPU, attention with at least this many scores (B·h·N·M: a 32 MiB float map) runs fused. */
    public static final long CPU_MIN_SCORES = 1L << 23;

    private FusedAttention() {}

    /** Whether fused attention is selected and loaded. */
    public static boolean enabled() {
        return Holder.OP != null;
    }

    /** "fused", "math (selected)" or "math (fused attention failed to load: …)". */
    public static String status() {
        return Holder.STATUS;
    }

    /** qh: [B, h, N, d], kh and vh: [B, h, M, d] → softmax(qh khᵀ / √d) vh: [B, h, N, d], in qh's manager. */
    public static NDArray apply(NDArray qh, NDArray kh, NDArray vh) {
        return Holder.OP.apply(qh, kh, vh);
    }

    /** Lazily loaded on first use; never closed (one tiny module for the process). */
    private static final class Holder {
        static final TorchScriptOp OP;
        static final String STATUS;

        static {
            String wanted = System.getProperty(PROPERTY, "fused").strip().toLowerCase(Locale.ROOT);
            TorchScriptOp op = null;
            String status;
            if (wanted.equals("math")) {
                status = "math (selected)";
            } else if (!wanted.equals("fused")) {
                status = "math (-D" + PROPERTY + " expects fused or math, found '" + wanted + "')";
            } else {
                try {
                    op = TorchScriptOp.compile("FusedAttention", new String[] {"q", "k", "v"}, "torch.scaled_dot_product_attention(q, k, v)");
                    status = "fused";
                } catch (RuntimeException | LinkageError e) {
                    status = "math (fused attention failed to load: " + e.getMessage() + ")";
                }
            }
            OP = op;
            STATUS = status;
        }
    }
}
