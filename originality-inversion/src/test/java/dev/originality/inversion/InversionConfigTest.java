package dev.originality.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InversionConfigTest {
    /** Without restarts chain m is length m, in even blocks; with R restarts each length's R + 1 chains sit side by side. */
    @Test
    void samplesSpreadOverLengthsThenChains() {
        InversionConfig cpu = InversionConfig.thorough();                     // K = 5, batch 20
        for (int i = 0; i < 20; i++) {
            assertThat(cpu.chainOfSample(i)).isEqualTo(i / 4 + 1);
            assertThat(cpu.lengthOfSample(i)).isEqualTo(i / 4 + 1);
        }
        InversionConfig twice = cpu.withRestarts(1);
        for (int i = 0; i < 20; i++) {
            int chain = twice.chainOfSample(i);
            assertThat(chain).isEqualTo(i / 2 + 1);                            // 10 chains of 2 samples
            assertThat(twice.lengthOfSample(i)).isEqualTo(i / 4 + 1);           // each length still 4 samples a step
            assertThat(twice.restartOfChain(chain)).isEqualTo((i / 2) % 2);
        }
        InversionConfig odd = cpu.withBatch(7).withMaxTokens(3);              // 7 over 3: blocks of 3, 2, 2
        assertThat(java.util.stream.IntStream.range(0, 7).map(odd::lengthOfSample).toArray()).containsExactly(1, 1, 1, 2, 2, 3, 3);
    }

    @Test
    void aBatchTooSmallForEveryChainSaysHowBigItMustBe() {
        assertThatThrownBy(() -> InversionConfig.cpu().withBatch(5).withRestarts(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch must hold at least one sample per length and chain: expected >= 10 (K x (restarts + 1)), found 5");
        assertThatThrownBy(() -> InversionConfig.cpu().withRestarts(-1)).hasMessageContaining("restarts must be >= 0");
        assertThat(InversionConfig.tiny().withBatch(6).withRestarts(2).withLengths(3).batch()).isEqualTo(9);   // grown to K x 3 chains
    }

    /** An uneven spread: each length's count in one block (split over its chains), the batch their sum, K-resizing keeps it. */
    @Test
    void lengthSamplesGiveEachLengthItsOwnCount() {
        InversionConfig uneven = InversionConfig.cpu().withLengthSamples(java.util.List.of(4, 1, 1, 1, 1));
        assertThat(uneven.batch()).isEqualTo(8);
        assertThat(java.util.stream.IntStream.range(0, 8).map(uneven::lengthOfSample).toArray()).containsExactly(1, 1, 1, 1, 2, 3, 4, 5);
        assertThat(ChainWorkers.groups(java.util.stream.IntStream.range(0, 8).map(uneven::chainOfSample).toArray(), 2))
                .isDeepEqualTo(new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}});       // the one-token chain alone: 4 + 4
        InversionConfig twice = InversionConfig.tiny().withMaxTokens(2).withRestarts(1).withLengthSamples(java.util.List.of(5, 2));
        assertThat(twice.samplesOfChain()).containsExactly(3, 2, 1, 1);
        assertThat(java.util.stream.IntStream.range(0, 7).map(twice::chainOfSample).toArray()).containsExactly(1, 1, 1, 2, 2, 3, 4);
        InversionConfig one = uneven.withLengths(1);                         // --max-tokens 1: the one-token count alone
        assertThat(one.batch()).isEqualTo(4);
        assertThat(one.lengthSamples()).containsExactly(4);
        assertThat(uneven.withMaxTokens(6).lengthSamples()).containsExactly(4, 1, 1, 1, 1, 1);
        assertThat(uneven.withBatch(8).lengthSamples()).containsExactly(4, 1, 1, 1, 1);
        assertThat(uneven.withBatch(10).lengthSamples()).isEmpty();          // another total: the even spread again
        assertThat(InversionConfig.cpu().samplesOfChain()).containsExactly(2, 1, 1, 1, 1);
    }

    @Test
    void lengthSamplesThatDoNotFitSayWhat() {
        InversionConfig cpu = InversionConfig.cpu();
        assertThatThrownBy(() -> cpu.withLengthSamples(java.util.List.of(4, 1, 1)))
                .hasMessage("length samples: expected one count per length (5), found 3 [4, 1, 1]");
        assertThatThrownBy(() -> cpu.withLengthSamples(java.util.List.of(4, 0, 1, 1, 1)))
                .hasMessage("length samples: every length needs at least one sample per chain (1), found [4, 0, 1, 1, 1]");
        assertThatThrownBy(() -> cpu.withLengthSamples(java.util.List.of(4, 1, 1, 1, 1)).withRestarts(1))
                .hasMessageContaining("batch must hold at least one sample per length and chain");
        assertThatThrownBy(() -> cpu.withBatch(12).withRestarts(1).withLengthSamples(java.util.List.of(4, 2, 2, 2, 1)))
                .hasMessage("length samples: every length needs at least one sample per chain (2), found [4, 2, 2, 2, 1]");
    }
}
