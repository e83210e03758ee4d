package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScoreConfigTest {
    /** cpu: one sample per length a step and two for m = 1, so every length trains; thorough differs from it in the inversion only. */
    @Test
    void cpuLearnsEveryLengthFromOneSampleAStepAndThoroughDiffersOnlyInTheInversion() {
        ScoreConfig cpu = ScoreConfig.preset("cpu"), thorough = ScoreConfig.preset("thorough");
        assertThat(cpu.inversion().batch()).isEqualTo(6);
        assertThat(cpu.inversion().maxTokens()).isEqualTo(5);
        int[] lengths = java.util.stream.IntStream.range(0, 6).map(cpu.inversion()::lengthOfSample).toArray();
        assertThat(lengths).containsExactly(1, 1, 2, 3, 4, 5);
        assertThat(thorough.inversion().batch()).isEqualTo(20);
        assertThat(thorough.inversion().steps()).isEqualTo(1000);
        assertThat(thorough.withInversion(cpu.inversion())).isEqualTo(cpu);
    }

    /** The Fig. 6 study was drawn with the thorough preset's config: its JSON must stay the study's, or --resume redraws it all. */
    @Test
    void thoroughWritesTheConfigTheFig6StudyRecorded() throws Exception {
        var study = ScoreRun.withoutMaxBatch(ScoreFiles.JSON.readTree(getClass().getResourceAsStream("/fig6-common-00-config.json")));
        assertThat((Object) ScoreRun.resumeKey(ScoreConfig.thorough().withSamples(20).withSeed(21))).isEqualTo(study);   // the study ran at maxBatch 50
    }

    /** Scores drawn before the timestep window, restarts, init noise and length samples existed keep their resume identity: each is written only when set. */
    @Test
    void laterSearchSettingsAreInTheConfigJsonOnlyWhenSet() throws Exception {
        ScoreConfig cpu = ScoreConfig.cpu();
        String plain = ScoreFiles.JSON.writeValueAsString(cpu);
        assertThat(plain).doesNotContain("timestepWindow").contains("\"microBatch\":0");
        String windowed = ScoreFiles.JSON.writeValueAsString(cpu.withInversion(cpu.inversion().withTimestepWindow(10)));
        assertThat(windowed).contains("\"timestepWindow\":10");
        assertThat(plain).doesNotContain("initNoise").doesNotContain("restarts");
        assertThat(ScoreFiles.JSON.writeValueAsString(cpu.withInversion(cpu.inversion().withInitNoise(0.5)))).contains("\"initNoise\":0.5");
        ScoreConfig even = ScoreConfig.thorough();
        assertThat(ScoreFiles.JSON.writeValueAsString(even)).doesNotContain("lengthSamples");
        assertThat(ScoreFiles.JSON.writeValueAsString(even.withInversion(even.inversion().withLengthSamples(java.util.List.of(4, 4, 4, 4, 4)))))
                .contains("\"lengthSamples\":[4,4,4,4,4]");
    }

    @Test
    void anUnknownPresetNamesTheKnownOnes() {
        assertThatThrownBy(() -> ScoreConfig.preset("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("tiny, cpu, thorough or paper");
    }
}
