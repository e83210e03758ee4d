package dev.originality.diffusion.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused {@code scaled_dot_product_attention}, which DJL 0.33 has no binding for, reached through a
 * one-op TorchScript module that we write here (a zip of its source and an empty state) and load through DJL's
 * module loader. On CPU it runs the blocked flash-attention kernel: the [B, h, N, M] score map is never
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
        return Holder.BLOCK != null;
    }

    /** "fused", "math (selected)" or "math (fused attention failed to load: …)". */
    public static String status() {
        return Holder.STATUS;
    }

    /** qh: [B, h, N, d], kh and vh: [B, h, M, d] → softmax(qh khᵀ / √d) vh: [B, h, N, d], in qh's manager. */
    public static NDArray apply(NDArray qh, NDArray kh, NDArray vh) {
        // record the autograd graph exactly when the caller does (a GradientCollector is open)
        return IValueUtils.forward(Holder.BLOCK, new NDList(qh, kh, vh), JniUtils.isGradMode()).singletonOrThrow();
    }

    /** Lazily loaded on first use; never closed (one tiny module for the process). */
    private static final class Holder {
        static final PtSymbolBlock BLOCK;
        static final String STATUS;

        static {
            String wanted = System.getProperty(PROPERTY, "fused").strip().toLowerCase(Locale.ROOT);
            PtSymbolBlock block = null;
            String status;
            if (wanted.equals("math")) {
                status = "math (selected)";
            } else if (!wanted.equals("fused")) {
                status = "math (-D" + PROPERTY + " expects fused or math, found '" + wanted + "')";
            } else {
                try {
                    PtNDManager m = (PtNDManager) NDManager.newBaseManager();   // first: loads the engine's natives
                    JniUtils.setGraphExecutorOptimize(false);   // one op: the JIT's profiling passes would only re-specialise per shape
                    block = JniUtils.loadModule(m, new ByteArrayInputStream(archive()), false, false);
                    status = "fused";
                } catch (RuntimeException | LinkageError | IOException e) {
                    status = "math (fused attention failed to load: " + e.getMessage() + ")";
                }
            }
            BLOCK = block;
            STATUS = status;
        }
    }

    /** The TorchScript archive: the module's source, its pickled state (training = True) and no constants. */
    static byte[] archive() throws IOException {
        String code = """
                class FusedAttention(Module):
                  __parameters__ = []
                  __buffers__ = []
                  training : bool
                  def forward(self: __torch__.FusedAttention,
                    q: Tensor,
                    k: Tensor,
                    v: Tensor) -> Tensor:
                    return torch.scaled_dot_product_attention(q, k, v)
                """;
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        state.write(new byte[] {(byte) 0x80, 2, 'c'});                                   // PROTO 2, GLOBAL
        state.write("__torch__\nFusedAttention\n".getBytes(StandardCharsets.US_ASCII));
        state.write(new byte[] {')', (byte) 0x81, '}', 'X', 8, 0, 0, 0});                // EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE
        state.write("training".getBytes(StandardCharsets.US_ASCII));
        state.write(new byte[] {(byte) 0x88, 's', 'b', '.'});                            // NEWTRUE SETITEM BUILD STOP
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, "fused_attention/data.pkl", state.toByteArray());
            stored(zip, "fused_attention/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "fused_attention/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, "fused_attention/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        try {
            zip.putNextEntry(e);
            zip.write(data);
            zip.closeEntry();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
