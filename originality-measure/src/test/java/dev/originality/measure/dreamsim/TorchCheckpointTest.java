package dev.originality.measure.dreamsim;

import dev.originality.diffusion.io.Dtype;
import dev.originality.diffusion.io.RawTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TorchCheckpointTest {
    /** Written by src/test/resources/torch-pickle/make_checkpoints.py (stdlib pickle + zipfile, torch.save's layout). */
    static final Path TENSORS = Path.of("src/test/resources/torch-pickle/tensors.pth");

    @Test
    @SuppressWarnings("unchecked")
    void readsTensorsViewsAndPlainDataOfATorchSaveLayout() throws IOException {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(TENSORS)) {
            Map<String, TorchTensor> sd = ckpt.tensors("state_dict");
            assertThat(sd).hasSize(4 + 300);
            assertThat(sd.get("w").shape()).containsExactly(2, 3);
            assertThat(sd.get("w").toFloats()).containsExactly(0f, 0.5f, 1f, 1.5f, 2f, 2.5f);
            assertThat(sd.get("w_t_tail").toFloats()).containsExactly(0.5f, 2f, 1f, 2.5f);   // offset 1, stride (1, 3)
            assertThat(sd.get("h").dtype()).isEqualTo(Dtype.F16);
            assertThat(sd.get("h").toFloats()).containsExactly(1.5f, -2f, 65504f);
            RawTensor ids = sd.get("ids").toRaw();
            assertThat(ids.dtype()).isEqualTo(Dtype.I64);
            assertThat(ids.data().order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8)).isEqualTo(1L << 40);
            for (int i = 0; i < 300; i += 37) assertThat(sd.get("big." + i).toFloats()).containsExactly((float) i);

            Map<?, ?> root = (Map<?, ?>) ckpt.root();
            assertThat(root.get("epoch")).isEqualTo(7L);
            assertThat(root.get("neg")).isEqualTo(-5L);
            assertThat(root.get("huge")).isEqualTo(BigInteger.TWO.pow(70));
            assertThat(root.get("scale")).isEqualTo(0.25);
            assertThat(root.get("name")).isEqualTo("tiny");
            assertThat((List<Object>) root.get("flags")).containsExactly(true, false, null);
            assertThat((List<Object>) root.get("pair")).containsExactly(1L, "a");
        }
    }

    @Test
    void refusesOsSystemWithoutRunningIt(@TempDir Path dir) throws IOException {
        Path marker = dir.resolve("pwned");
        // GLOBAL 'os\nsystem', ('touch <marker>',), REDUCE: what a malicious checkpoint does
        byte[] pickle = new TorchZipWriter.Pickle().op(0x80, 2).global("os", "system")
                .op('(').str("touch " + marker).op('t', 'R', '.').bytes();
        Path file = dir.resolve("evil.pth");
        TorchZipWriter.zip(file, pickle, Map.of());
        assertThatThrownBy(() -> TorchCheckpoint.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("evil.pth")
                .hasMessageContaining("refusing to load global 'os.system' at byte 2")
                .hasMessageContaining("torch._utils._rebuild_tensor_v2");
        assertThat(marker).doesNotExist();
    }

    @Test
    void refusesStackGlobalObjectConstructionAndBuildOnNonDicts(@TempDir Path dir) throws IOException {
        byte[] eval = new TorchZipWriter.Pickle().op(0x80, 4).str("builtins").str("eval").op(0x93)
                .op('(').str("1+1").op('t', 'R', '.').bytes();
        assertRefused(dir, eval, "refusing to load global 'builtins.eval'");

        byte[] newobj = new TorchZipWriter.Pickle().op(0x80, 2).global("collections", "OrderedDict")
                .op(')', 0x81, '.').bytes();
        assertRefused(dir, newobj, "refusing opcode 0x81 (object construction)");

        byte[] buildOnList = new TorchZipWriter.Pickle().op(0x80, 2, ']', '}', 'b', '.').bytes();
        assertRefused(dir, buildOnList, "refusing BUILD (setting the state of an object) on a ArrayList");

        byte[] callStorage = new TorchZipWriter.Pickle().op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').bytes();
        assertRefused(dir, callStorage, "refusing to call 'torch.FloatStorage'");
    }

    @Test
    void rejectsMalformedInputWithOneClearLine(@TempDir Path dir) throws IOException {
        assertRefused(dir, new byte[] {(byte) 0x80, 2, 'X', 10, 0, 0, 0, 'a'}, "length 10 exceeds the 1 bytes left");
        assertRefused(dir, new byte[] {(byte) 0x80, 2, 'N'}, "ended without a STOP opcode");
        assertRefused(dir, new byte[] {(byte) 0x80, 2, 'I', '1', '\n', '.'}, "unsupported pickle opcode 0x49");

        Path legacy = dir.resolve("legacy.pth");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        assertThatThrownBy(() -> TorchCheckpoint.open(legacy)).hasMessageContaining("expected a zip");

        // a tensor view that reaches past its storage
        TorchZipWriter.Pickle p = new TorchZipWriter.Pickle().op(0x80, 2).global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(2).op('t', 'Q');
        p.integer(0).tuple(3).tuple(1).op(0x89, '}', 't', 'R', '.');
        Path file = dir.resolve("short.pth");
        TorchZipWriter.zip(file, p.bytes(), Map.of("0", new byte[8]));
        assertThatThrownBy(() -> TorchCheckpoint.open(file)).hasMessageContaining("reaches element 2 of storage '0' with 2 elements");
    }

    @Test
    void readsWhatTheTestWriterWrites(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sd.pth");
        TorchZipWriter.write(file, Map.of("a.weight", new TorchZipWriter.F32(new float[] {1, -2, 3.5f, 4, 5, 6}, 3, 2)), null);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file)) {
            TorchTensor t = ckpt.tensors().get("a.weight");
            assertThat(t.shape()).containsExactly(3, 2);
            assertThat(t.toFloats()).containsExactly(1, -2, 3.5f, 4, 5, 6);
            assertThatThrownBy(() -> ckpt.tensors("state_dict")).hasMessageContaining("expected key 'state_dict'")
                    .hasMessageContaining("a.weight");
        }
    }

    @Test
    void convertsHalfPrecisionExactly() {
        assertThat(TorchTensor.halfToFloat((short) 0x3C00)).isEqualTo(1f);
        assertThat(TorchTensor.halfToFloat((short) 0xC000)).isEqualTo(-2f);
        assertThat(TorchTensor.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(TorchTensor.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.isNaN(TorchTensor.halfToFloat((short) 0x7E00))).isTrue();
    }

    private static void assertRefused(Path dir, byte[] pickle, String message) throws IOException {
        Path file = dir.resolve("bad-" + Arrays.hashCode(pickle) + ".pth");
        TorchZipWriter.zip(file, pickle, Map.of());
        assertThatThrownBy(() -> TorchCheckpoint.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContaining(message);
    }

    /** Fuzz findings: Python would raise on these, and Java must not crash or recurse forever. */
    @Test
    void refusesUnhashableKeysAndAppendingToTuples() {
        byte[] listKey = {'}', ']', 'K', 1, 's', '.'};                   // {[]: 1}
        assertThatThrownBy(() -> TorchPickle.read(listKey, "p", pid -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("p: malformed pickle: unhashable dict key: a list");
        byte[] selfKey = {'}', ']', '2', 'a', 'K', 1, 's', '.'};        // l = []; l.append(l); {l: 1}
        assertThatThrownBy(() -> TorchPickle.read(selfKey, "p", pid -> null)).hasMessageContaining("unhashable dict key");
        byte[] tupleAppend = {')', 'K', 1, 'a', '.'};                       // ().append(1)
        assertThatThrownBy(() -> TorchPickle.read(tupleAppend, "p", pid -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("p: malformed pickle: expected a list to append to, found a tuple");
        byte[] tupleKey = {'}', 'K', 1, 'K', 2, (byte) 0x86, 'K', 3, 's', '.'};    // {(1, 2): 3}
        assertThat(TorchPickle.read(tupleKey, "p", pid -> null)).isEqualTo(Map.of(List.of(1L, 2L), 3L));
    }
    /** A zip bomb: one storage of 4 MB of zeros, deflated to a few kB. Reading it must stop at the file's size. */
    @Test
    void refusesAStorageThatInflatesPastTheFilesSize(@TempDir Path dir) throws IOException {
        int n = 1 << 20;
        Path file = dir.resolve("bomb.pth");
        byte[] pickle = TorchZipWriter.stateDictPickle(Map.of("w", new TorchZipWriter.F32(new float[n], n)), null);
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.putNextEntry(new java.util.zip.ZipEntry("archive/data/0"));               // DEFLATED, the default
            z.write(new byte[4 * n]);
        }
        assertThat(Files.size(file)).isLessThan(16_000);
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file)) {
            TorchTensor w = ckpt.tensors().get("w");
            assertThatThrownBy(w::toRaw).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bomb.pth")
                    .hasMessageContaining("past the file's size");
        }
    }

    /** Tensors viewing one storage share one read of it (a pickle may name a storage once per view). */
    @Test
    void viewsOfOneStorageShareItsBytes(@TempDir Path dir) throws IOException {
        TorchZipWriter.Pickle p = new TorchZipWriter.Pickle().op(0x80, 2).op(']');
        for (int i = 0; i < 3; i++) {
            p.global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(4).op('t', 'Q');
            p.integer(i).tuple(2).tuple(1).op(0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R', 'a');
        }
        Path file = dir.resolve("views.pth");
        byte[] data = new byte[16];
        java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        TorchZipWriter.zip(file, p.op('.').bytes(), Map.of("0", data));
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file)) {
            List<?> views = (List<?>) ckpt.root();
            assertThat(((TorchTensor) views.get(0)).storage()).isSameAs(((TorchTensor) views.get(2)).storage());
            for (int i = 0; i < 3; i++) assertThat(((TorchTensor) views.get(i)).toFloats()).containsExactly(1f + i, 2f + i);
        }
    }
}
