package dev.originality.diffusion.io;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rebuilding the reference folders from parsed configs and loaded tensors gives the very same files. */
class DiffusersWriterTest {
    @TempDir
    Path tmp;

    @Test
    void rebuildsTheFloat32PipelineByteForByte() throws IOException {
        assertRebuiltIdentically(DiffusersFolderTest.SD_TINY, null, false);
    }

    /** F16 weights widened to float32 (as the models use them) and written back as F16: the same bits. */
    @Test
    void rebuildsTheFloat16PipelineFromWidenedWeights() throws IOException {
        assertRebuiltIdentically(DiffusersFolderTest.SD_TINY_F16, Dtype.F16, true);
    }

    private void assertRebuiltIdentically(Path original, Dtype floatType, boolean widen) throws IOException {
        DiffusersFolder src = DiffusersFolder.open(original);
        DiffusersWriter w = new DiffusersWriter(src.className(), src.diffusersVersion());
        src.options().forEach(w::option);
        src.absent().forEach(w::absent);
        Path target = tmp.resolve("rebuilt");
        try (NDManager m = NDManager.newBaseManager()) {
            for (DiffusersFolder.Component c : src.components().values()) {
                if (c.hasWeights()) {
                    SafeTensorsFile weights = src.weights(c.name());
                    w.model(c.name(), c.library(), c.className(), src.config(c.name()),
                            widen ? weights.loadAllWidened(m) : weights.loadAll(m), floatType);
                } else {
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    for (Path f : c.files()) files.put(f.toString(), Files.readAllBytes(c.folder().resolve(f)));
                    w.files(c.name(), c.library(), c.className(), files);
                }
            }
            w.write(target);
        }
        DiffusersFolder rebuilt = DiffusersFolder.open(target);
        assertThat(rebuilt.components().keySet()).containsExactlyElementsOf(src.components().keySet());
        assertThat(Files.readAllBytes(target.resolve("model_index.json"))).isEqualTo(Files.readAllBytes(original.resolve("model_index.json")));
        for (DiffusersFolder.Component c : src.components().values()) {
            assertThat(rebuilt.component(c.name()).files()).containsExactlyElementsOf(c.files());
            for (Path f : c.files()) {
                assertThat(Files.readAllBytes(target.resolve(c.name()).resolve(f.toString()))).as(c.name() + "/" + f)
                        .isEqualTo(Files.readAllBytes(c.folder().resolve(f)));
            }
        }
    }

    @Test
    void refusesReuseAndBadNames() throws IOException {
        DiffusersWriter w = new DiffusersWriter("StableDiffusionPipeline", "0.31.0").absent("safety_checker");
        assertThatThrownBy(() -> w.absent("safety_checker")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> w.files("../x", "diffusers", "PNDMScheduler", Map.of())).isInstanceOf(IllegalArgumentException.class);
        Path taken = Files.createDirectory(tmp.resolve("taken"));
        assertThatThrownBy(() -> w.write(taken)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        DiffusersFolder empty = w.write(tmp.resolve("empty"));
        assertThat(empty.components()).isEmpty();
        assertThat(empty.absent()).containsExactly("safety_checker");
    }
}
