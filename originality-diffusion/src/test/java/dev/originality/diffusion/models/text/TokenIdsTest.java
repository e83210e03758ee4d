package dev.originality.diffusion.models.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenIdsTest {
    @Test
    void pooledPositionIsTheFirstEosTokenWhenEosIsNot2() {
        TokenIds ids = new TokenIds(new long[] {
                5, 9, 7, 9, 9,      // eos 9 first at 1, although 7 sits between eos tokens
                5, 3, 8, 6, 4,      // no eos: transformers' argmax of all-false picks 0
                9, 1, 2, 3, 4}, 3, 5);
        assertThat(ids.eosPositions(9)).containsExactly(1, 0, 0);
    }

    @Test
    void legacyEosId2TakesTheLargestIdFirstOnTies() {
        TokenIds ids = new TokenIds(new long[] {
                0, 40, 49407, 1, 49407,
                0, 2, 1, 1, 1}, 2, 5);
        assertThat(ids.eosPositions(2)).containsExactly(2, 1);
    }
}
