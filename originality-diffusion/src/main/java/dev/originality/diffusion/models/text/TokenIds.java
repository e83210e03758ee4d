package dev.originality.diffusion.models.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A batch of token ids copied to the host, where the small index bookkeeping (validation, EOS
 * positions, which rows are injected) is plain Java rather than tensor ops under autograd.
 *
 * @param ids row-major [B, L]
 */
record TokenIds(long[] ids, int batch, int length) {

    /** inputIds: [B, L] int64, 1 ≤ L ≤ maxLength. */
    static TokenIds of(NDArray inputIds, int maxLength) {
        if (inputIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("input_ids must have shape [B, L], found " + inputIds.getShape());
        }
        if (inputIds.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("input_ids must be int64, found " + inputIds.getDataType());
        }
        int b = Math.toIntExact(inputIds.getShape().get(0)), l = Math.toIntExact(inputIds.getShape().get(1));
        if (b < 1 || l < 1 || l > maxLength) {
            throw new IllegalArgumentException("input_ids " + inputIds.getShape() + " needs B ≥ 1 and 1 ≤ L ≤ "
                    + maxLength + " (max_position_embeddings)");
        }
        return new TokenIds(inputIds.toLongArray(), b, l);
    }

    long at(int b, int i) {
        return ids[b * length + i];
    }

    /**
     * The position of each row whose hidden state is the pooled output, as transformers 4.44's
     * CLIPTextTransformer picks it: configs with eos_token_id == 2 (the original SD v1 files) take
     * the position of the largest id (its "legacy" argmax, first one on ties); all others take
     * the first position holding eos_token_id, or 0 when there is none (argmax of all zeros).
     * Under the legacy rule an added token (id ≥ vocab_size) wins the argmax, as in transformers.
     */
    int[] eosPositions(long eosTokenId) {
        int[] pos = new int[batch];
        for (int b = 0; b < batch; b++) {
            int best = 0;
            for (int i = 0; i < length; i++) {
                if (eosTokenId == 2 ? at(b, i) > at(b, best) : at(b, i) == eosTokenId) {
                    best = i;
                    if (eosTokenId != 2) break;
                }
            }
            pos[b] = best;
        }
        return pos;
    }
}
