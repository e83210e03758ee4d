package dev.originality.inversion;

import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.Dtype;
import dev.originality.diffusion.io.RawTensor;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Embeddings files are judged from their header before any tensor is loaded: which tensor, its
 * dtype, rank, width and count. Before, every tensor of the file was loaded first, and a file with
 * zero vectors or integer "vectors" loaded without complaint.
 */
class EmbeddingsBoundsTest {
    @TempDir
    Path tmp;

    @Test
    void refusesWhatIsNotAStackOfFloatVectorsOfTheRightWidth() throws IOException {
        assertRefused(Map.of("<s*>", raw(Dtype.F32, 0, 4)), "tensor '<s*>' holds no vectors (shape [0, 4])");
        assertRefused(Map.of("<s*>", raw(Dtype.I64, 2, 4)), "tensor '<s*>' must be floating point, found I64");
        assertRefused(Map.of("<s*>", raw(Dtype.F32, 1, 2, 4)), "tensor '<s*>' must be [m, C], found [1, 2, 4]");
        assertRefused(Map.of("<s*>", raw(Dtype.F32)), "tensor '<s*>' must be [m, C], found []");
        assertRefused(Map.of("<s*>", raw(Dtype.F16, 2, 8)), "holds vectors of width 8, but the text encoder's hidden size is 4");
        Map<String, RawTensor> two = new LinkedHashMap<>();
        two.put("<a>", raw(Dtype.F32, 1, 4));
        two.put("<b>", raw(Dtype.F32, 1, 4));
        assertRefused(two, "expected one tensor (diffusers) or 'emb_params' (AUTOMATIC1111), found [<a>, <b>]");
        assertRefused(Map.of("", raw(Dtype.F32, 1, 4)), "the token name is blank");
    }

    @Test
    void picksEmbParamsAmongOtherTensorsAndReadsAOneDimensionalVector() throws IOException {
        Map<String, RawTensor> a1111 = new LinkedHashMap<>();
        a1111.put("emb_params", raw(Dtype.F16, 3, 4));
        a1111.put("string_to_param", raw(Dtype.I64, 7)); // ignored, never loaded
        Path f = tmp.resolve("a.safetensors");
        SafeTensors.saveRaw(f, a1111, Map.of("name", "owl"));
        try (NDManager m = NDManager.newBaseManager()) {
            LearnedEmbeddings e = LearnedEmbeddings.load(f, m, 4);
            assertThat(e.base()).isEqualTo("<owl>");
            assertThat(e.count()).isEqualTo(3);
            SafeTensors.saveRaw(f, Map.of("<x>", raw(Dtype.F32, 4)), Map.of());
            assertThat(LearnedEmbeddings.load(f, m, 4).vectors().getShape().getShape()).containsExactly(1, 4);
        }
    }

    private void assertRefused(Map<String, RawTensor> tensors, String message) throws IOException {
        Path f = tmp.resolve("e.safetensors");
        SafeTensors.saveRaw(f, tensors, Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> LearnedEmbeddings.load(f, m, 4)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("embeddings file '" + f + "'").hasMessageContaining(message);
        }
    }

    /** Zero-filled tensor of the given dtype and shape. */
    private static RawTensor raw(Dtype dtype, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return new RawTensor(dtype, shape, ByteBuffer.allocate((int) n * dtype.width()));
    }
}
