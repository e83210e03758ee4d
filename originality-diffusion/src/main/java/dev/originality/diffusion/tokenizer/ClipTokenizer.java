package dev.originality.diffusion.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, matching transformers' slow CLIPTokenizer (4.44): added and
 * special tokens are matched verbatim first; the text between them is cleaned, lower-cased and
 * split into words ({@link PreTokenizer}); each word's UTF-8 bytes are mapped to characters
 * ({@link ByteLevel}) and merged by BPE ({@link Bpe}); sequences get bos/eos, are truncated to
 * maxLength and padded with the pad token.
 *
 * <p>Immutable and thread-safe; {@link #withAddedTokens} returns a new tokenizer.
 */
public final class ClipTokenizer {
    /**
     * The longest prompt accepted, in chars. CLIP keeps 75 tokens, so a bound costs nothing and
     * keeps a pasted megabyte from being cleaned, split and merged for no use.
     */
    public static final int MAX_PROMPT_CHARS = 16_384;
    /** token → id over the base vocabulary (ids 0..vocabSize-1). */
    private final Map<String, Integer> vocab;
    private final Bpe bpe;
    private final ClipTokenizerConfig config;
    /** Tokens added after the vocabulary, id = vocabSize + index. */
    private final List<String> addedTokens;
    private final int bosId, eosId, padId, unkId;
    /** Strings matched verbatim before cleanup: the added tokens, and bos/eos as HF's trie does. */
    private final Map<String, Integer> verbatim;
    private final Pattern verbatimPattern;

    ClipTokenizer(Map<String, Integer> vocab, Bpe bpe, ClipTokenizerConfig config, List<String> addedTokens) {
        this.vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
        this.bpe = bpe;
        this.config = config;
        this.addedTokens = List.copyOf(addedTokens);
        this.bosId = specialId("bos", config.bosToken());
        this.eosId = specialId("eos", config.eosToken());
        this.padId = specialId("pad", config.padToken());
        this.unkId = specialId("unk", config.unkToken());
        Map<String, Integer> v = new LinkedHashMap<>();
        v.put(config.bosToken(), bosId);
        v.put(config.eosToken(), eosId);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < this.addedTokens.size(); i++) {
            String t = this.addedTokens.get(i);
            if (t.isEmpty()) throw new IllegalArgumentException("added token " + i + " is empty");
            if (vocab.containsKey(t)) {
                throw new IllegalArgumentException("added token '" + t + "' already exists in the vocabulary (id "
                        + vocab.get(t) + "); choose a string that is not a vocabulary token, e.g. '<s*1>'");
            }
            if (!seen.add(t)) throw new IllegalArgumentException("added token '" + t + "' is given more than once");
            v.put(t, vocab.size() + i);
        }
        this.verbatim = Collections.unmodifiableMap(v);
        this.verbatimPattern = verbatimPattern(v.keySet());
    }

    /**
     * One pattern over the verbatim strings, longest first, so that the leftmost match is the
     * longest one starting there (HF's trie). One scan of the prompt, instead of comparing every
     * verbatim string at every position.
     */
    private static Pattern verbatimPattern(Set<String> strings) {
        List<String> longestFirst = new ArrayList<>(strings);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        StringBuilder alternatives = new StringBuilder();
        for (String t : longestFirst) alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(t));
        return Pattern.compile(alternatives.toString());
    }

    private int specialId(String role, String token) {
        Integer id = vocab.get(token);
        if (id == null) throw new IllegalArgumentException(role + " token '" + token + "' is not in the vocabulary (" + vocab.size() + " tokens)");
        return id;
    }

    /** Reads vocab.json and merges.txt, plus tokenizer_config.json / special_tokens_map.json when present. */
    public static ClipTokenizer load(Path tokenizerDir) throws IOException {
        return ClipTokenizerFiles.load(tokenizerDir);
    }

    /** Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json as transformers does. */
    public void save(Path dir) throws IOException {
        ClipTokenizerFiles.save(this, dir);
    }

    /**
     * A tokenizer that also matches {@code tokens} verbatim (case-sensitive, anywhere in the text,
     * adjacent ones included) and gives them the ids after the current ones.
     *
     * @throws IllegalArgumentException if a token is empty, repeated, already added or already in the vocabulary
     */
    public ClipTokenizer withAddedTokens(List<String> tokens) {
        List<String> all = new ArrayList<>(addedTokens);
        for (String t : tokens) {
            if (addedTokens.contains(t)) throw new IllegalArgumentException("added token '" + t + "' was already added (id " + verbatim.get(t) + ")");
            all.add(t);
        }
        return new ClipTokenizer(vocab, bpe, config, all);
    }

    // ---- encoding, in data-flow order ----

    /** Ids of bos + tokens (at most maxLength-2) + eos, padded with the pad id to maxLength. */
    public long[] encode(String prompt) {
        int[] ids = encodeUnpadded(prompt);
        long[] padded = new long[config.maxLength()];
        Arrays.fill(padded, padId);
        for (int i = 0; i < ids.length; i++) padded[i] = ids[i];
        return padded;
    }

    /** Ids of bos + tokens + eos, truncated like transformers' truncation=True: bos, the first maxLength-2 tokens, eos. */
    public int[] encodeUnpadded(String prompt) {
        List<String> tokens = tokenize(prompt);
        int n = Math.min(tokens.size(), config.maxLength() - 2);
        int[] ids = new int[n + 2];
        ids[0] = bosId;
        for (int i = 0; i < n; i++) ids[i + 1] = tokenId(tokens.get(i));
        ids[n + 1] = eosId;
        return ids;
    }

    /** All tokens of {@code text} (not truncated, no bos/eos added): BPE symbols and added tokens. */
    public List<String> tokenize(String text) {
        if (text.length() > MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("prompt has " + text.length() + " characters; expected at most " + MAX_PROMPT_CHARS
                    + " (CLIP reads only the first " + (config.maxLength() - 2) + " tokens)");
        }
        List<String> tokens = new ArrayList<>();
        int segmentStart = 0;
        for (Matcher m = verbatimPattern.matcher(text); m.find(); segmentStart = m.end()) {
            tokenizeSegment(text.substring(segmentStart, m.start()), tokens);
            tokens.add(m.group());
        }
        tokenizeSegment(text.substring(segmentStart), tokens);
        return tokens;
    }

    private void tokenizeSegment(String segment, List<String> out) {
        for (String word : PreTokenizer.words(segment)) {
            // CLIP's BPE cache maps the special tokens to themselves (no </w>).
            if (word.equals(PreTokenizer.BOS) || word.equals(PreTokenizer.EOS)) out.add(word);
            else out.addAll(bpe.apply(ByteLevel.encode(word)));
        }
    }

    /** Id of one token; a symbol missing from the vocabulary gets the unk id. */
    public int tokenId(String token) {
        Integer id = verbatim.get(token);
        if (id == null) id = vocab.get(token);
        return id == null ? unkId : id;
    }

    // ---- accessors ----

    /** Size of the base vocabulary (vocab.json), added tokens excluded. */
    public int vocabSize() {
        return vocab.size();
    }

    /** Number of ids in use, added tokens included (transformers' len(tokenizer)); the text encoder's embedding rows. */
    public int size() {
        return vocab.size() + addedTokens.size();
    }

    public int maxLength() {
        return config.maxLength();
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    public ClipTokenizerConfig config() {
        return config;
    }

    /** The added tokens in id order. */
    public List<String> addedTokens() {
        return addedTokens;
    }

    /** Ids of the added tokens: vocabSize, vocabSize+1, … */
    public List<Integer> addedTokenIds() {
        List<Integer> ids = new ArrayList<>(addedTokens.size());
        for (int i = 0; i < addedTokens.size(); i++) ids.add(vocab.size() + i);
        return Collections.unmodifiableList(ids);
    }

    Map<String, Integer> vocab() {
        return vocab;
    }

    List<Bpe.Merge> merges() {
        return bpe.merges();
    }
}
