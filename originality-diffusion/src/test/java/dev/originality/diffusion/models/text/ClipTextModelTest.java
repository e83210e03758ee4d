package dev.originality.diffusion.models.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTextModelTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path SD_TINY_TEXT = FIXTURES.resolve("sd-tiny/pipeline/text_encoder");
    static final double TOLERANCE = 1e-4;

    @Test
    void matchesTransformersOnFloat32Weights() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(SD_TINY_TEXT, m);
            Map<String, NDArray> io = SafeTensors.load(FIXTURES.resolve("sd-tiny/clip_io.safetensors"), m);
            assertMatches("sd-tiny", model, io, i -> io.get("hidden_states." + i));
        }
    }

    @Test
    void matchesTransformersOnF16Weights() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(FIXTURES.resolve("sd-tiny-f16/text_encoder"), m);
            Map<String, NDArray> io = SafeTensors.load(FIXTURES.resolve("sd-tiny-f16/fixtures/text_encoder.safetensors"), m);
            assertMatches("sd-tiny-f16", model, io, i -> io.get("hidden_states").get(i));
        }
    }

    @Test
    void rejectsConfigWhoseHiddenSizeDoesNotMatchTheWeights(@TempDir Path dir) throws IOException {
        Files.copy(SD_TINY_TEXT.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        ClipTextConfig.read(SD_TINY_TEXT.resolve("config.json")).toBuilder().hiddenSize(64).build()
                .write(dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ClipTextModel.load(dir, m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("text_model.embeddings.token_embedding.weight")
                    .hasMessageContaining("(657, 32)")
                    .hasMessageContaining("(657, 64)");
        }
    }

    @Test
    void rejectsUnexpectedTensorsButAcceptsThePositionIdsBuffer(@TempDir Path dir) throws IOException {
        Files.copy(SD_TINY_TEXT.resolve("config.json"), dir.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = SafeTensors.load(SD_TINY_TEXT.resolve("model.safetensors"), m);
            tensors.put("text_model.embeddings.position_ids", m.create(LongStream.range(0, 77).toArray(), new Shape(1, 77)));
            writeSafeTensors(dir.resolve("model.safetensors"), tensors);
            ClipTextModel model = ClipTextModel.load(dir, m);
            assertThat(model.parameters()).hasSize(2 + 2 * 16 + 2);

            tensors.put("text_model.encoder.layers.2.mlp.fc1.bias", m.zeros(new Shape(37)));
            writeSafeTensors(dir.resolve("model.safetensors"), tensors);
            assertThatThrownBy(() -> ClipTextModel.load(dir, m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unexpected tensor text_model.encoder.layers.2.mlp.fc1.bias");
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabularyAndBadShapes() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(SD_TINY_TEXT, m);
            assertThatThrownBy(() -> model.forward(m.create(new long[] {655, 657, 656}, new Shape(1, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input_ids[0, 1] = 657 is outside the vocabulary 0..656");
            assertThatThrownBy(() -> model.forward(m.zeros(new Shape(1, 78), DataType.INT64)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 ≤ L ≤ 77");
            assertThatThrownBy(() -> model.forward(m.create(new long[] {655, 656})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[B, L]");
        }
    }

    /** The safetensors layout, written here only to build test inputs (F32 and I64 tensors). */
    static void writeSafeTensors(Path file, Map<String, NDArray> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray t = e.getValue();
            ByteBuffer raw = t.toByteBuffer();
            byte[] bytes = new byte[raw.remaining()];
            raw.get(bytes);
            String dtype = t.getDataType() == DataType.INT64 ? "I64" : "F32";
            if (header.length() > 1) header.append(',');
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":")
                    .append(Arrays.toString(t.getShape().getShape())).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes.length).append("]}");
            data.write(bytes);
            offset += bytes.length;
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        try (var out = Files.newOutputStream(file)) {
            out.write(len.array());
            out.write(h);
            data.writeTo(out);
        }
    }

    private static void assertMatches(String name, ClipTextModel model, Map<String, NDArray> io,
                                      IntFunction<NDArray> hiddenState) {
        ClipTextModel.Output out = model.forward(io.get("input_ids"));
        int layers = model.config().numHiddenLayers();
        assertThat(out.hiddenStates()).hasSize(layers + 1);
        for (int i = 0; i <= layers; i++) {
            assertClose(name + " hidden_states." + i, out.hiddenStates().get(i), hiddenState.apply(i));
        }
        assertClose(name + " last_hidden_state", out.lastHiddenState(), io.get("last_hidden_state"));
        assertClose(name + " pooler_output", out.pooled(), io.get("pooler_output"));
    }

    static void assertClose(String what, NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).as(what).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray(), e = expected.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - e[i]));
        System.out.printf("%s: max |diff| = %.3g%n", what, max);
        assertThat(max).as(what + " max |diff|").isLessThanOrEqualTo(TOLERANCE);
    }
}
