package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScoreConfigTest {
    @Test
    void quickIsTheCpuPresetAtBatchFiveAndNothingElse() {
        ScoreConfig quick = ScoreConfig.preset("quick"), cpu = ScoreConfig.preset("cpu");
        assertThat(quick.inversion().batch()).isEqualTo(5);
        assertThat(quick.inversion().maxTokens()).isEqualTo(5);
        // One sample per length a step: every length still trains.
        for (int i = 0; i < 5; i++) assertThat(quick.inversion().lengthOfSample(i)).isEqualTo(i + 1);
        assertThat(quick.withInversion(cpu.inversion())).isEqualTo(cpu);
    }

    /** Scores drawn before the timestep window, restarts and init noise existed keep their resume identity: each is written only when set. */
    @Test
    void laterSearchSettingsAreInTheConfigJsonOnlyWhenSet() throws Exception {
        ScoreConfig cpu = ScoreConfig.cpu();
        String plain = ScoreFiles.JSON.writeValueAsString(cpu);
        assertThat(plain).doesNotContain("timestepWindow").contains("\"microBatch\":0");
        String windowed = ScoreFiles.JSON.writeValueAsString(cpu.withInversion(cpu.inversion().withTimestepWindow(10)));
        assertThat(windowed).contains("\"timestepWindow\":10");
        assertThat(plain).doesNotContain("initNoise").doesNotContain("restarts");
        assertThat(ScoreFiles.JSON.writeValueAsString(cpu.withInversion(cpu.inversion().withInitNoise(0.5)))).contains("\"initNoise\":0.5");
    }

    @Test
    void anUnknownPresetNamesTheKnownOnes() {
        assertThatThrownBy(() -> ScoreConfig.preset("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("tiny, quick, cpu or paper");
    }
}
