package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaeTrainerTest {
    @TempDir static Path tmp;
    static ImageData data;
    static final TrainPreset TINY = TrainPreset.named("tiny");

    @BeforeAll
    static void data() throws Exception {
        data = ImageData.load(TinyData.write(tmp.resolve("data"), 64, TINY.imageSize()));
    }

    @Test
    void lossFallsAndTheFolderIsADiffusersVae() throws Exception {
        Path model = tmp.resolve("m1");
        VaeTrainer.Result r = VaeTrainer.train(data, TINY, 7, model, false, Progress.NONE);
        List<String> rows = Files.readAllLines(model.resolve("train.csv"));
        double first = Double.parseDouble(rows.get(1).split(",")[2]);
        double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[2]);
        assertThat(rows).hasSize(TINY.vaeSteps() + 1);
        assertThat(last).as("loss %s → %s", first, last).isLessThan(0.7 * first);
        assertThat(r.scalingFactor()).isPositive();
        assertThat(model.resolve("vae/config.json")).exists();
        try (NDManager m = NDManager.newBaseManager()) {
            var vae = dev.originality.diffusion.models.vae.AutoencoderKL.load(model.resolve("vae"), m);
            assertThat(vae.scalingFactor()).isEqualTo(r.scalingFactor());
        }
    }

    @Test
    void sameSeedSameWeightsAndResumeReachesThem() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        VaeTrainer.train(data, TINY, 3, a, false, Progress.NONE);
        // b: stop after the first checkpoint (step 20), then resume to the end.
        TrainPreset half = withVaeSteps(TINY, TINY.checkpointEvery());
        VaeTrainer.train(data, half, 3, b, false, Progress.NONE);
        assertThatThrownBy(() -> VaeTrainer.train(data, TINY, 4, b, true, Progress.NONE)).hasMessageContaining("seed 3, not 4");
        VaeTrainer.train(data, TINY, 3, b, true, Progress.NONE);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> wa = SafeTensors.load(a.resolve("vae/diffusion_pytorch_model.safetensors"), m);
            Map<String, NDArray> wb = SafeTensors.load(b.resolve("vae/diffusion_pytorch_model.safetensors"), m);
            assertThat(wb.keySet()).isEqualTo(wa.keySet());
            for (String k : wa.keySet()) assertThat(wb.get(k).toFloatArray()).as(k).containsExactly(wa.get(k).toFloatArray());
        }
        assertThat(Files.readAllLines(b.resolve("train.csv"))).hasSize(TINY.vaeSteps() + 1);
    }

    @Test
    void resumeFromAnotherPresetIsRefused() throws Exception {
        Path c = tmp.resolve("c");
        VaeTrainer.train(data, ModelCard.override(TINY, true, false, TINY.checkpointEvery(), TINY.vaeBatch() / 2, null), 3, c, false,
                Progress.NONE);
        assertThatThrownBy(() -> VaeTrainer.train(data, TINY, 3, c, true, Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot resume");
    }

    static TrainPreset withVaeSteps(TrainPreset p, int steps) {
        return ModelCard.override(p, true, false, steps, null, null);
    }
}
