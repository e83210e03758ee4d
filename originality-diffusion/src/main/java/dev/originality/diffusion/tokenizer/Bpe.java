package dev.originality.diffusion.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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

    /**
     * Merges the lowest-ranked adjacent pair (every occurrence, left to right) until none is ranked:
     * CLIP's reference loop, run on a linked list with a queue of ranked pairs so that a word of n
     * symbols costs O(n log n) time and O(n) allocation (rescanning the word per merge round costs
     * O(n^2) of both; a 1.3 KB single-word prompt allocated 17 MB that way).
     */
    static List<String> merge(List<String> symbols, Map<String, Integer> ranks) {
        int n = symbols.size();
        String[] symbol = symbols.toArray(new String[0]);
        int[] next = new int[n];   // index of the following live symbol, n at the end
        int[] prev = new int[n];   // index of the preceding live symbol, -1 at the start
        int[] version = new int[n]; // bumped whenever symbol[i] changes or dies: stale queue entries are skipped
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        // (rank, left index) ascending: the lowest rank first and, within a rank, left to right.
        PriorityQueue<Candidate> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) offer(queue, ranks, symbol, version, i, i + 1);
        List<Integer> touched = new ArrayList<>(); // left ends of the pairs a round's merges formed
        while (!queue.isEmpty()) {
            int rank = queue.peek().rank;
            // One reference round: every occurrence of this pair, left to right, before any pair it creates.
            while (!queue.isEmpty() && queue.peek().rank == rank) {
                Candidate c = queue.poll();
                if (!c.live(symbol, next, version)) continue;
                int right = c.right;
                symbol[c.left] = symbol[c.left] + symbol[right];
                version[c.left]++;
                version[right]++;
                symbol[right] = null;
                next[c.left] = next[right];
                if (next[right] < n) prev[next[right]] = c.left;
                if (prev[c.left] >= 0) touched.add(prev[c.left]);
                touched.add(c.left);
            }
            // Queued only now, with the round over: a pair it formed may rank below it and must wait, as in CLIP's loop.
            for (int left : touched) if (symbol[left] != null && next[left] < n) offer(queue, ranks, symbol, version, left, next[left]);
            touched.clear();
        }
        List<String> word = new ArrayList<>();
        for (int i = 0; i < n; i = next[i]) word.add(symbol[i]);
        return word;
    }

    private static void offer(PriorityQueue<Candidate> queue, Map<String, Integer> ranks, String[] symbol, int[] version,
                              int left, int right) {
        Integer r = ranks.get(key(symbol[left], symbol[right]));
        if (r != null) queue.add(new Candidate(r, left, right, version[left], version[right]));
    }

    /** A ranked adjacent pair as it was when queued; {@link #live} tells whether it still is. */
    private record Candidate(int rank, int left, int right, int leftVersion, int rightVersion)
            implements Comparable<Candidate> {
        boolean live(String[] symbol, int[] next, int[] version) {
            return symbol[left] != null && symbol[right] != null && next[left] == right
                    && version[left] == leftVersion && version[right] == rightVersion;
        }

        @Override
        public int compareTo(Candidate o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Integer.compare(left, o.left);
        }
    }

    /** The ranks map key of a pair. */
    static String key(String first, String second) {
        return first + ' ' + second;
    }
}
