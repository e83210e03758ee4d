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
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A libtorch op that DJL 0.33 has no binding for, reached through a one-method TorchScript module that we write (a
 * zip of its source, an empty pickled state and no constants) and load with DJL's module loader. Autograd records
 * through it when the caller's does. Modules are tiny and live for the process.
 */
final class TorchScriptOp {
    private final PtSymbolBlock block;

    private TorchScriptOp(PtSymbolBlock block) {
        this.block = block;
    }

    /**
     * name: the module class (a Python identifier); tensorArgs: the forward's tensor parameters; body: one expression
     * over them, returning a tensor. Throws when libtorch rejects the source.
     */
    static TorchScriptOp compile(String name, String[] tensorArgs, String body) {
        StringBuilder code = new StringBuilder()
                .append("class ").append(name).append("(Module):\n")
                .append("  __parameters__ = []\n  __buffers__ = []\n  training : bool\n")
                .append("  def forward(self: __torch__.").append(name);
        for (String a : tensorArgs) code.append(",\n    ").append(a).append(": Tensor");
        code.append(") -> Tensor:\n    return ").append(body).append('\n');
        try {
            PtNDManager m = (PtNDManager) NDManager.newBaseManager();   // first: loads the engine's natives
            JniUtils.setGraphExecutorOptimize(false);   // one op: the JIT's profiling passes would only re-specialise per shape
            return new TorchScriptOp(JniUtils.loadModule(m, new ByteArrayInputStream(archive(name, code.toString())), false, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the op on tensors in the forward's parameter order; the result is in the first input's manager. */
    NDArray apply(NDArray... inputs) {
        // record the autograd graph exactly when the caller does (a GradientCollector is open)
        return IValueUtils.forward(block, new NDList(inputs), JniUtils.isGradMode()).singletonOrThrow();
    }

    /** The TorchScript archive: the module's source, its pickled state (training = True) and no constants. */
    static byte[] archive(String name, String code) throws IOException {
        String dir = name.toLowerCase(java.util.Locale.ROOT) + "/";
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        state.write(new byte[] {(byte) 0x80, 2, 'c'});                                   // PROTO 2, GLOBAL
        state.write(("__torch__\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        state.write(new byte[] {')', (byte) 0x81, '}', 'X', 8, 0, 0, 0});                // EMPTY_TUPLE NEWOBJ EMPTY_DICT BINUNICODE
        state.write("training".getBytes(StandardCharsets.US_ASCII));
        state.write(new byte[] {(byte) 0x88, 's', 'b', '.'});                            // NEWTRUE SETITEM BUILD STOP
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, dir + "data.pkl", state.toByteArray());
            stored(zip, dir + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, dir + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, dir + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
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
