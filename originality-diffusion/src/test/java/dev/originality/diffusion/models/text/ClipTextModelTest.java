package dev.originality.diffusion.models.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

    private static void assertMatches(String name, ClipTextModel model, Map<String, NDArray> io,
                                      java.util.function.IntFunction<NDArray> hiddenState) {
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
