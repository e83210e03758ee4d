package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTensorsTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @Test
    void readsFixtureTensorsWithTheirShapes() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SafeTensors.load(FIXTURES.resolve("sd-tiny/clip_io.safetensors"), m);
            assertThat(t.get("input_ids").getShape()).isEqualTo(new Shape(2, 77));
            assertThat(t.get("input_ids").getDataType()).isEqualTo(DataType.INT64);
            // The fixture's first prompt starts with <|startoftext|> = 655 (index.json).
            assertThat(t.get("input_ids").toLongArray()[0]).isEqualTo(655L);
            assertThat(t.get("last_hidden_state").getShape()).isEqualTo(new Shape(2, 77, 32));
        }
    }

    @Test
    void widensF16Weights() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = SafeTensors.load(
                    FIXTURES.resolve("sd-tiny-f16/text_encoder/model.safetensors"), m);
            assertThat(t).isNotEmpty();
            assertThat(t.values()).allSatisfy(a -> assertThat(a.getDataType()).isIn(DataType.FLOAT32, DataType.INT64));
        }
    }
}
