package dev.originality.measure.score;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict's range within the per-length 95% intervals, from a judge's own bounds. */
class VerdictRangeTest {
    private static final Layouts.Check VARIED = new Layouts.Check(0.3, 0, 5, true);

    /** A synthetic verdict whose rate interval is [lo, hi], judged at τ = 0.5 as DetectorJudge does. */
    private static LengthResult length(int m, int hits, double lo, double hi) {
        double rate = hits / 10.0;
        return new LengthResult(m, 10, hits, new double[] {lo, hi}, VARIED, rate >= 0.5, hi >= 0.5, lo >= 0.5, List.of(), 0.01, List.of());
    }

    private static Score score(List<Verdict> lengths, Integer min) {
        return new Score(null, "", null, null, lengths, min, Map.of(), Map.of(), 8, 0, 0, Map.of());
    }

    @Test
    void aBorderlineVerdictSpansItsIntervals() {
        // the session-5 common query: rates 0, 0.4, 0.4, 0.2, 0.5 with 10 samples
        Score s = score(List.of(length(1, 0, 0, 0), length(2, 4, 0.1, 0.7), length(3, 4, 0.1, 0.7), length(4, 2, 0, 0.5),
                length(5, 5, 0.2, 0.8)), 5);
        assertThat(s.verdict()).isEqualTo("5");
        assertThat(s.verdictRange()).containsExactly("2", "+");
    }

    @Test
    void clearRatesSettleIt() {
        Score s = score(List.of(length(1, 0, 0, 0.1), length(2, 10, 0.8, 1.0)), 2);
        assertThat(s.verdictRange()).containsExactly("2", "2");
        assertThat(score(List.of(length(1, 0, 0, 0.2)), null).verdictRange()).containsExactly("+", "+");
    }
}
