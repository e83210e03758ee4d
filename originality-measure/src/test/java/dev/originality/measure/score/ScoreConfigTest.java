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

    @Test
    void anUnknownPresetNamesTheKnownOnes() {
        assertThatThrownBy(() -> ScoreConfig.preset("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("tiny, quick, cpu or paper");
    }
}
