package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LearnedEmbeddingsTest {
    private static final Path DIR = Path.of("target/test-embeddings");

    @Test
    void diffusersFormatRoundTrips() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.randomNormal(new Shape(3, 32));
            Path f = DIR.resolve("learned_embeds.safetensors");
            new LearnedEmbeddings("<s*>", v, Map.of("seed", "4")).save(f);
            assertThat(SafeTensors.read(f).tensors().keySet()).containsExactly("<s*>");
            LearnedEmbeddings back = LearnedEmbeddings.load(f, m, 32);
            assertThat(back.base()).isEqualTo("<s*>");
            assertThat(back.vectors().toFloatArray()).containsExactly(v.toFloatArray());
            assertThat(back.metadata()).containsEntry("seed", "4");
            Map<String, NDArray> per = back.expand();
            assertThat(per.keySet()).containsExactly("<s*1>", "<s*2>", "<s*3>");
            assertThat(per.get("<s*2>").toFloatArray()).containsExactly(v.get(1).toFloatArray());
            assertThat(back.sequence()).isEqualTo("<s*1> <s*2> <s*3>");
            try (var dir = Files.list(DIR)) {
                assertThat(dir.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
            }
        }
    }

    /** Metadata is kept sorted, so the same vectors and metadata give the same file bytes in every JVM. */
    @Test
    void metadataIsSortedSoFilesAreReproducible() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            var e = new LearnedEmbeddings("<s*>", m.create(new float[] {1, 2}, new Shape(1, 2)), Map.of("z", "1", "a", "2", "m", "3"));
            assertThat(e.metadata().keySet()).containsExactly("a", "m", "z");
            Path f = DIR.resolve("sorted.safetensors");
            e.save(f);
            assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8)).contains("{\"a\":\"2\",\"m\":\"3\",\"z\":\"1\"}");
        }
    }

    @Test
    void automatic1111FormatReads() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.randomNormal(new Shape(2, 32));
            Path f = DIR.resolve("a1111.safetensors");
            Files.createDirectories(DIR);
            SafeTensors.save(f, Map.of("emb_params", v), Map.of("name", "cathedral"));
            LearnedEmbeddings e = LearnedEmbeddings.load(f, m, 32);
            assertThat(e.base()).isEqualTo("<cathedral>");
            assertThat(e.expand().keySet()).containsExactly("<cathedral1>", "<cathedral2>");
            assertThat(e.vectors().toFloatArray()).containsExactly(v.toFloatArray());
        }
    }

    @Test
    void widthMismatchNamesBothWidths() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Path f = DIR.resolve("wide.safetensors");
            new LearnedEmbeddings("<s*>", m.zeros(new Shape(2, 768)), Map.of()).save(f);
            assertThatThrownBy(() -> LearnedEmbeddings.load(f, m, 32))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("width 768").hasMessageContaining("hidden size is 32");
        }
    }

    @Test
    void expandedVectorsDriveThePipelinePrompt() throws Exception {
        try (StableDiffusion sd = TinyModel.load(); NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.randomNormal(new Shape(2, 32));
            LearnedEmbeddings e = new LearnedEmbeddings("<s*>", v, Map.of());
            NDArray a = TextToImage.encodePrompt(sd, "a photo of " + e.sequence(), e.expand(), 1, m);
            NDArray b = TextToImage.encodePrompt(sd, "a photo of " + e.sequence(),
                    new LearnedEmbeddings("<s*>", v.mul(2f), Map.of()).expand(), 1, m);
            assertThat(a.getShape()).isEqualTo(new Shape(1, 77, 32));
            // the placeholders' own hidden states differ when their vectors differ
            assertThat(a.get(0, 4).sub(b.get(0, 4)).abs().max().getFloat()).isGreaterThan(1e-4f);
            // the tokens before them (causal attention) do not
            assertThat(a.get(0, 2).sub(b.get(0, 2)).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }
}
