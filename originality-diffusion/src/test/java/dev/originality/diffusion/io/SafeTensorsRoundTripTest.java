package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsRoundTripTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    @TempDir
    Path tmp;

    @Test
    void readsHeaderWithStoredDtypesAndMetadata() throws IOException {
        SafeTensorsFile f = SafeTensors.read(FIXTURES.resolve("sd-tiny-f16/unet/diffusion_pytorch_model.safetensors"));
        assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
        assertThat(f.tensors()).hasSize(208);
        TensorInfo conv = f.info("conv_in.weight");
        assertThat(conv.dtype()).isEqualTo(Dtype.F16);
        assertThat(conv.shape()).containsExactly(32, 4, 3, 3);
        assertThat(conv.begin()).isEqualTo(64);
        assertThat(conv.end()).isEqualTo(64 + 32 * 4 * 3 * 3 * 2);
        assertThat(f.dataStart()).isEqualTo(8 + 23008);
        assertThatThrownBy(() -> f.info("conv_in.wieght")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor 'conv_in.wieght'").hasMessageContaining("diffusion_pytorch_model.safetensors");
    }

    @Test
    void f16StaysF16OrWidensExactly() throws IOException {
        SafeTensorsFile f = SafeTensors.read(FIXTURES.resolve("sd-tiny-f16/text_encoder/model.safetensors"));
        String name = "text_model.embeddings.token_embedding.weight";
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray half = f.load(name, m), wide = f.loadWidened(name, m);
            assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(wide.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(half.getShape()).isEqualTo(wide.getShape()).isEqualTo(f.info(name).djlShape());
            // Widening is exact: converting back gives the stored bits.
            assertThat(bytes(wide.toType(DataType.FLOAT16, false).toByteBuffer())).isEqualTo(bytes(f.raw(name).data()));
            // And SafeTensors.load (used by the model loaders) is the widened view.
            NDArray loaded = SafeTensors.load(f.file(), m).get(name);
            assertThat(loaded.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(loaded.toFloatArray()).containsExactly(wide.toFloatArray());
        }
    }

    /** Files the reference writer made come back byte for byte: same order, offsets, padding, metadata. */
    @Test
    void rewritingReferenceFilesIsByteIdentical() throws IOException {
        for (String file : List.of("sd-tiny-f16/unet/diffusion_pytorch_model.safetensors",
                "sd-tiny/pipeline/vae/diffusion_pytorch_model.safetensors",
                "sd-tiny/unet_io.safetensors", // I64 and F32: I64 goes first, as the reference sorts by dtype
                "sd-tiny/sched_ddpm.safetensors")) {
            Path src = FIXTURES.resolve(file);
            SafeTensorsFile f = SafeTensors.read(src);
            Path viaArrays = tmp.resolve("arrays.safetensors"), viaCopy = tmp.resolve("copy.safetensors");
            try (NDManager m = NDManager.newBaseManager()) {
                SafeTensors.save(viaArrays, f.loadAll(m), f.metadata());
            }
            f.copyTo(viaCopy);
            assertThat(Files.readAllBytes(viaArrays)).as(file).isEqualTo(Files.readAllBytes(src));
            assertThat(Files.readAllBytes(viaCopy)).as(file).isEqualTo(Files.readAllBytes(src));
        }
    }

    /** A file laid out by name only (another writer) keeps every tensor, re-laid out the reference way. */
    @Test
    void rewritingOtherLayoutsKeepsEveryTensor() throws IOException {
        Path src = FIXTURES.resolve("sd-tiny-f16/fixtures/pipeline_ddim.safetensors"), out = tmp.resolve("p.safetensors");
        SafeTensorsFile f = SafeTensors.read(src);
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.save(out, f.loadAll(m), f.metadata());
        }
        SafeTensorsFile g = SafeTensors.read(out);
        assertThat(g.metadata()).containsExactlyEntriesOf(f.metadata());
        assertThat(g.tensors().keySet()).containsExactlyInAnyOrderElementsOf(f.tensors().keySet());
        assertThat(g.tensors().values().iterator().next().dtype()).isEqualTo(Dtype.I64);
        for (String name : f.tensors().keySet()) {
            assertThat(g.info(name).dtype()).isEqualTo(f.info(name).dtype());
            assertThat(g.info(name).shape()).isEqualTo(f.info(name).shape());
            assertThat(bytes(g.raw(name).data())).as(name).isEqualTo(bytes(f.raw(name).data()));
        }
    }

    @Test
    void widenedF16WeightsSavedAsF16AreTheOriginalFile() throws IOException {
        Path src = FIXTURES.resolve("sd-tiny-f16/vae/diffusion_pytorch_model.safetensors"), out = tmp.resolve("vae.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.save(out, SafeTensors.load(src, m), Map.of("format", "pt"), Dtype.F16);
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(src));
    }

    /** BF16 written from float32 with round-to-nearest-even, as torch's .to(torch.bfloat16). */
    @Test
    void writesAndReadsBf16() throws IOException {
        float halfUlp = 1f / 256; // 1 + 2^-8 lies exactly between two BF16 values
        float[] values = {1f, 1f + halfUlp, 1f + 3 * halfUlp, 1f + halfUlp + 1f / (1 << 20), -2.5f,
                Float.POSITIVE_INFINITY, Float.MAX_VALUE, -0f, Float.NaN, 1e-40f};
        short[] expected = {0x3F80, 0x3F80, 0x3F82, 0x3F81, (short) 0xC020, 0x7F80, 0x7F80, (short) 0x8000, 0x7FC0, 0x0001};
        Path out = tmp.resolve("bf16.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("w", m.create(values, new Shape(2, 5)));
            t.put("ids", m.create(new long[] {7, -3}));
            SafeTensors.save(out, t, Map.of("note", "bf16 \"test\"\n"), Dtype.BF16);
        }
        SafeTensorsFile f = SafeTensors.read(out);
        assertThat(f.metadata()).containsExactly(Map.entry("note", "bf16 \"test\"\n"));
        assertThat(f.dtypes()).containsExactly(Map.entry("ids", Dtype.I64), Map.entry("w", Dtype.BF16));
        ByteBuffer raw = f.raw("w").data().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < expected.length; i++) assertThat(raw.getShort(2 * i)).as("value %d", i).isEqualTo(expected[i]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = f.load("w", m);
            assertThat(w.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(w.getShape()).isEqualTo(new Shape(2, 5));
            float[] back = w.toFloatArray();
            assertThat(back[0]).isEqualTo(1f);
            assertThat(back[2]).isEqualTo(1f + 4 * halfUlp);
            assertThat(back[4]).isEqualTo(-2.5f);
            assertThat(back[8]).isNaN();
            assertThat(f.load("ids", m).toLongArray()).containsExactly(7, -3);
            // Round trip through float32 arrays with the remembered dtypes: the same file again.
            Path again = tmp.resolve("again.safetensors");
            SafeTensors.save(again, f.loadAll(m), f.metadata(), f.dtypes());
            assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
        }
    }

    @Test
    void writesHeaderThePythonWay() throws IOException {
        Path out = tmp.resolve("order.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("b", m.create(new float[] {1, 2, 3}));
            t.put("a", m.create(new float[] {4}).toType(DataType.FLOAT16, false));
            t.put("c", m.create(new long[] {5}));
            t.put("A", m.create(new float[] {6}));
            SafeTensors.save(out, t, Map.of());
        }
        byte[] file = Files.readAllBytes(out);
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(n % 8).isZero();
        assertThat(header.stripTrailing()).isEqualTo("{\"c\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"A\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,24]},"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[24,26]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        assertThat(file.length).isEqualTo(8 + n + 26);
    }

    @Test
    void savingIsAtomicAndRefusesImpossibleDtypes() throws IOException {
        Path out = tmp.resolve("x.safetensors");
        Files.writeString(out, "previous");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ids = Map.of("ids", m.create(new long[] {1, 2}));
            assertThatThrownBy(() -> SafeTensors.save(out, ids, Map.of(), Map.of("ids", Dtype.F16)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ids' is I64");
            assertThatThrownBy(() -> SafeTensors.save(out, ids, Map.of(), Dtype.I32))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not I32");
        }
        assertThat(Files.readString(out)).isEqualTo("previous");
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(out); // no temporary file left behind
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
