package dev.originality.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.schedulers.SchedulerConfig;
import dev.originality.diffusion.schedulers.Schedulers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossWeightTest {
    static final double[] ALPHAS = Schedulers.named("ddpm", SchedulerConfig.fromJson(ModelFolder.schedulerConfig())).alphasCumprod();

    @Test
    void minSnrDownWeightsOnlyTheNearlyCleanTimesteps() {
        float[] w = UNetTrainer.lossWeights(ALPHAS, 5);
        assertThat(w).hasSize(1000);
        // t = 0: ᾱ = 1 − β₀ = 0.99915, SNR ≈ 1175 → weight 5/1175.
        assertThat((double) w[0]).isCloseTo(5 / (ALPHAS[0] / (1 - ALPHAS[0])), org.assertj.core.data.Offset.offset(1e-7));
        assertThat(w[0]).isLessThan(0.01f);
        assertThat(w[999]).isEqualTo(1f);                              // SNR ≪ 5 at the noisy end
        int firstFull = 0;
        while (w[firstFull] < 1f) firstFull++;
        for (int t = 1; t < 1000; t++) assertThat(w[t]).isGreaterThanOrEqualTo(w[t - 1]);
        // SNR crosses 5 where ᾱ = 5/6.
        assertThat(ALPHAS[firstFull]).isLessThanOrEqualTo(5 / 6.0);
        assertThat(ALPHAS[firstFull - 1]).isGreaterThan(5 / 6.0);
        assertThat(UNetTrainer.lossWeights(ALPHAS, 0)).containsOnly(1f);
    }

    @Test
    void aGammaMustBeFiniteAndNotNegative() {
        assertThatThrownBy(() -> UNetTrainerTest.withSnrGamma(TrainPreset.named("tiny"), -1))
                .hasMessage("min-SNR gamma must be finite and >= 0 (0 = off), found -1.0");
    }

    /** A checkpoint from before the weighting was recorded resumes under the preset's weighting; a recorded other value does not. */
    @Test
    void resumeAcceptsOnlyUnrecordedWeighting(@TempDir Path dir) throws Exception {
        TrainPreset cpu = TrainPreset.named("cpu");
        ObjectNode state = Resume.state(UNetTrainer.STAGE, 4750, cpu, 1);
        Path f = dir.resolve("checkpoint-unet/state.json");
        Files.createDirectories(f.getParent());

        ((ObjectNode) state.get("preset_values")).remove("snrGamma");
        Files.writeString(f, state.toString());
        assertThat(Resume.check(dir, UNetTrainer.STAGE, cpu, 1)).isEqualTo(4750);

        ((ObjectNode) state.get("preset_values")).put("snrGamma", 0.0);
        Files.writeString(f, state.toString());
        assertThatThrownBy(() -> Resume.check(dir, UNetTrainer.STAGE, cpu, 1)).hasMessageContaining("cannot resume");
    }
}
