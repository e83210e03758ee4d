package dev.originality.diffusion.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a byte-level BPE vocabulary with CLIP's conventions from a corpus: ids 0..255 are the
 * byte symbols, 256..511 the same with {@code </w>}, then one token per learned merge, then bos
 * and eos. Words are found exactly as {@link ClipTokenizer} finds them (cleanup, lower-casing,
 * CLIP's pattern). Each step merges the most frequent adjacent pair (ties: the smallest pair in
 * string order, so the result does not depend on corpus order) until every word is a single
 * token or the vocabulary is full.
 *
 * <p>Words are kept segmented exactly as the finished tokenizer would segment them (rank-ordered
 * merging), so the learned merges reproduce the training segmentation at encode time.
 */
public final class BpeTrainer {
    /** 256 byte symbols, their 256 end-of-word variants, bos and eos. */
    public static final int MIN_VOCAB_SIZE = 2 * 256 + 2;

    private BpeTrainer() {}

    /** A tokenizer with CLIP's default special tokens and max length 77, learned from {@code corpus}. */
    public static ClipTokenizer train(List<String> corpus, int maxVocabSize) {
        return train(corpus, maxVocabSize, ClipTokenizerConfig.CLIP);
    }

    /**
     * @param corpus       texts (e.g. captions) to learn from
     * @param maxVocabSize upper bound on the vocabulary, bos and eos included; at least {@value #MIN_VOCAB_SIZE}
     * @param config       max length and special tokens; bos/eos/pad/unk must be CLIP's "<|startoftext|>"/"<|endoftext|>" or byte symbols
     */
    public static ClipTokenizer train(List<String> corpus, int maxVocabSize, ClipTokenizerConfig config) {
        if (maxVocabSize < MIN_VOCAB_SIZE) {
            throw new IllegalArgumentException("maxVocabSize must be at least " + MIN_VOCAB_SIZE + " (256 bytes, 256 end-of-word bytes, bos, eos), found " + maxVocabSize);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String b : ByteLevel.ALPHABET) vocab.put(b, vocab.size());
        for (String b : ByteLevel.ALPHABET) vocab.put(b + Bpe.END_OF_WORD, vocab.size());

        List<Word> words = countWords(corpus);
        List<Bpe.Merge> merges = new ArrayList<>();
        Map<String, Integer> ranks = new HashMap<>();
        while (vocab.size() + 2 < maxVocabSize) {
            Bpe.Merge best = mostFrequentPair(words);
            if (best == null) break; // every word is one token
            ranks.put(Bpe.key(best.first(), best.second()), merges.size());
            merges.add(best);
            vocab.putIfAbsent(best.joined(), vocab.size());
            for (Word w : words) {
                if (w.contains(best)) w.symbols = Bpe.merge(w.symbols, ranks);
            }
        }
        vocab.put(PreTokenizer.BOS, vocab.size());
        vocab.put(PreTokenizer.EOS, vocab.size());
        return new ClipTokenizer(vocab, new Bpe(merges), config, List.of());
    }

    /** One distinct byte-mapped word, its frequency and its current segmentation. */
    private static final class Word {
        final long count;
        List<String> symbols;

        Word(String word, long count) {
            this.count = count;
            this.symbols = Bpe.initialSymbols(word);
        }

        boolean contains(Bpe.Merge pair) {
            for (int i = 0; i + 1 < symbols.size(); i++) {
                if (symbols.get(i).equals(pair.first()) && symbols.get(i + 1).equals(pair.second())) return true;
            }
            return false;
        }
    }

    private static List<Word> countWords(List<String> corpus) {
        Map<String, Long> counts = new TreeMap<>();
        for (String text : corpus) {
            for (String word : PreTokenizer.words(text)) {
                if (word.equals(PreTokenizer.BOS) || word.equals(PreTokenizer.EOS)) continue;
                counts.merge(ByteLevel.encode(word), 1L, Long::sum);
            }
        }
        List<Word> words = new ArrayList<>();
        counts.forEach((w, n) -> words.add(new Word(w, n)));
        return words;
    }

    /** The adjacent pair with the highest total count; ties go to the smallest (first, second). Null if none. */
    private static Bpe.Merge mostFrequentPair(List<Word> words) {
        Map<Bpe.Merge, Long> counts = new HashMap<>();
        for (Word w : words) {
            for (int i = 0; i + 1 < w.symbols.size(); i++) {
                counts.merge(new Bpe.Merge(w.symbols.get(i), w.symbols.get(i + 1)), w.count, Long::sum);
            }
        }
        Bpe.Merge best = null;
        long bestCount = 0;
        for (Map.Entry<Bpe.Merge, Long> e : counts.entrySet()) {
            long n = e.getValue();
            if (best == null || n > bestCount || (n == bestCount && compare(e.getKey(), best) < 0)) {
                best = e.getKey();
                bestCount = n;
            }
        }
        return best;
    }

    private static int compare(Bpe.Merge a, Bpe.Merge b) {
        int c = a.first().compareTo(b.first());
        return c != 0 ? c : a.second().compareTo(b.second());
    }
}
