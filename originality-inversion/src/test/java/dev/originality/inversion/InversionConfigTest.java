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
}
