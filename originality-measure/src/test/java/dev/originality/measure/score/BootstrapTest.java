package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BootstrapTest {
    @Test
    void degenerateRatesHaveDegenerateIntervals() {
        assertThat(Bootstrap.ci95(0, 20, 1)).containsExactly(0.0, 0.0);
        assertThat(Bootstrap.ci95(20, 20, 1)).containsExactly(1.0, 1.0);
    }

    @Test
    void halfOfTwentyIsRoughlyPlusMinusAFifth() {
        double[] ci = Bootstrap.ci95(10, 20, 7);
        // Normal approximation: 0.5 ± 1.96·sqrt(0.25/20) = [0.28, 0.72]; the percentile bootstrap lands within a sample of it.
        assertThat(ci[0]).isBetween(0.25, 0.35);
        assertThat(ci[1]).isBetween(0.65, 0.75);
        assertThat(Bootstrap.ci95(10, 20, 7)).containsExactly(ci);
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> Bootstrap.ci95(3, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bootstrap.ci95(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
