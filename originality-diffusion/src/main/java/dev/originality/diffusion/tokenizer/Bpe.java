package dev.originality.diffusion.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair merges with their ranks (line order of merges.txt). {@link #apply} splits one
 * byte-mapped word into symbols, marks the last with {@code </w>}, and repeatedly merges the
 * adjacent pair with the lowest rank until no ranked pair is left.
 */
final class Bpe {
    static final String END_OF_WORD = "</w>";

    /** Merges in rank order; each is {first, second}. */
    private final List<Merge> merges;
    /** "first second" → rank. */
    private final Map<String, Integer> ranks;
    /** Words memoised before the memo is cleared: a stream of distinct words must not grow the heap without bound. */
    static final int MAX_CACHED_WORDS = 1 << 15;
    /** word → its symbols; a memo only (results depend on the merges alone). */
    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    record Merge(String first, String second) {
        String joined() {
            return first + second;
        }
    }

    Bpe(List<Merge> merges) {
        this.merges = List.copyOf(merges);
        this.ranks = new HashMap<>();
        for (int r = 0; r < this.merges.size(); r++) ranks.putIfAbsent(key(this.merges.get(r).first(), this.merges.get(r).second()), r);
    }

    List<Merge> merges() {
        return merges;
    }

    /** The BPE symbols of one byte-mapped word (non-empty), the last one ending in {@code </w>}. */
    List<String> apply(String word) {
        List<String> symbols = cache.get(word);
        if (symbols != null) return symbols;
        symbols = Collections.unmodifiableList(merge(initialSymbols(word)));
        if (cache.size() >= MAX_CACHED_WORDS) cache.clear();
        cache.put(word, symbols);
        return symbols;
    }

    int cachedWords() {
        return cache.size();
    }

    /** One symbol per character, {@code </w>} on the last. */
    static List<String> initialSymbols(String word) {
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) symbols.add(String.valueOf(word.charAt(i)));
        symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + END_OF_WORD);
        return symbols;
    }

    List<String> merge(List<String> symbols) {
        return merge(symbols, ranks);
    }

    /** Merges the lowest-ranked adjacent pair (every occurrence, left to right) until none is ranked. */
    static List<String> merge(List<String> symbols, Map<String, Integer> ranks) {
        List<String> word = symbols;
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(key(word.get(i), word.get(i + 1)));
                if (r != null && r < best) {
                    best = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> next = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); ) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    next.add(first + second);
                    i += 2;
                } else {
                    next.add(word.get(i++));
                }
            }
            word = next;
        }
        return word;
    }

    /** The ranks map key of a pair. */
    static String key(String first, String second) {
        return first + ' ' + second;
    }
}
