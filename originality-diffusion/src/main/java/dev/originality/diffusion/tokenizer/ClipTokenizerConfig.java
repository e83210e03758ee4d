package dev.originality.diffusion.tokenizer;

/**
 * Settings of a {@link ClipTokenizer} besides its vocabulary and merges, as
 * tokenizer_config.json / special_tokens_map.json give them.
 *
 * @param maxLength model_max_length: padded length of {@link ClipTokenizer#encode}, bos and eos
 *                  included (77 = CLIP's text positions)
 * @param bosToken  prepended to every sequence
 * @param eosToken  appended to every sequence
 * @param padToken  fills the sequence up to maxLength (SD v1: the eos token; SD v2: "!")
 * @param unkToken  id for a BPE symbol missing from the vocabulary
 */
public record ClipTokenizerConfig(int maxLength, String bosToken, String eosToken, String padToken, String unkToken) {
    /** CLIP's context length. */
    public static final int CLIP_MAX_LENGTH = 77;
    /**
     * The largest model_max_length accepted: every encoding allocates maxLength ids, so a file
     * must not be able to ask for 2^31 of them. Long-context CLIP variants use a few hundred.
     */
    public static final int MAX_LENGTH_LIMIT = 1 << 16;

    /** transformers' CLIPTokenizer defaults, used for whatever the config files leave out. */
    public static final ClipTokenizerConfig CLIP = new ClipTokenizerConfig(
            CLIP_MAX_LENGTH, PreTokenizer.BOS, PreTokenizer.EOS, PreTokenizer.EOS, PreTokenizer.EOS);

    public ClipTokenizerConfig {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be >= 2 (bos + eos), found " + maxLength);
        if (maxLength > MAX_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxLength must be at most " + MAX_LENGTH_LIMIT + ", found " + maxLength);
        }
        requireToken("bosToken", bosToken);
        requireToken("eosToken", eosToken);
        requireToken("padToken", padToken);
        requireToken("unkToken", unkToken);
    }

    private static void requireToken(String name, String token) {
        if (token == null || token.isEmpty()) throw new IllegalArgumentException(name + " must be a non-empty string, found " + (token == null ? "null" : "\"\""));
    }
}
