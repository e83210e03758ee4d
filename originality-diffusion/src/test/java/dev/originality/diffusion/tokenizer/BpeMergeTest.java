package dev.originality.diffusion.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Bpe#merge}'s queue-based loop gives what CLIP's round-by-round reference loop gives. */
class BpeMergeTest {

    @Test
    void queueMergeMatchesTheReferenceRoundsOnRandomWordsAndMerges() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            // A small alphabet makes repeated and overlapping pairs ("a a a") common. Ranks are a random
            // permutation (unique, as line numbers are), so a merge's product may outrank the merge
            // itself, as in a hand-edited merges.txt.
            int letters = 2 + random.nextInt(3);
            List<String> word = new ArrayList<>();
            for (int i = 1 + random.nextInt(40); i > 0; i--) word.add(String.valueOf((char) ('a' + random.nextInt(letters))));
            List<Integer> order = new ArrayList<>();
            for (int r = 0; r < 12; r++) order.add(r);
            Collections.shuffle(order, random);
            Map<String, Integer> ranks = new HashMap<>();
            List<String> pieces = new ArrayList<>();
            for (int c = 0; c < letters; c++) pieces.add(String.valueOf((char) ('a' + c)));
            for (int m = 0; m < 12; m++) {
                String first = pieces.get(random.nextInt(pieces.size()));
                String second = pieces.get(random.nextInt(pieces.size()));
                ranks.putIfAbsent(Bpe.key(first, second), order.get(m));
                pieces.add(first + second);
            }
            assertThat(Bpe.merge(word, ranks)).as("word %s, ranks %s", word, ranks).isEqualTo(reference(word, ranks));
        }
    }

    @Test
    void aLongWordOfOneRepeatedPairMergesInHalvingRounds() {
        List<String> word = new ArrayList<>();
        for (int i = 0; i < 1 << 12; i++) word.add("a");
        Map<String, Integer> ranks = new HashMap<>();
        String piece = "a";
        for (int r = 0; r < 12; r++) {
            ranks.put(Bpe.key(piece, piece), r);
            piece = piece + piece;
        }
        assertThat(Bpe.merge(word, ranks)).containsExactly("a".repeat(1 << 12));
    }

    @Test
    void aWordThatNeedsOneRoundPerPairAllocatesInProportionToItsLength() {
        // n distinct symbols and a merge for each disjoint pair, ranked left to right: n/2 merge rounds. CLIP's loop
        // rebuilds the word (and a key per pair) every round, O(n^2): x16 bytes for x4 symbols; the queue is O(n).
        long shortWord = allocatedByMerging(1024), longWord = allocatedByMerging(4096);
        assertThat((double) longWord / shortWord).as("%d bytes for 4,096 symbols, %d for 1,024", longWord, shortWord).isLessThan(8);
    }

    private static long allocatedByMerging(int n) {
        List<String> word = new ArrayList<>();
        for (int i = 0; i < n; i++) word.add(String.valueOf((char) (0x4E00 + i)));
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i + 1 < n; i += 2) ranks.put(Bpe.key(word.get(i), word.get(i + 1)), i / 2);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Bpe.merge(word, ranks); // warm-up
        long before = threads.getCurrentThreadAllocatedBytes();
        List<String> merged = Bpe.merge(word, ranks);
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(merged).hasSize(n / 2);
        return bytes;
    }

    /** CLIP's loop: find the lowest-ranked pair, merge all its occurrences left to right, repeat. */
    private static List<String> reference(List<String> symbols, Map<String, Integer> ranks) {
        List<String> word = symbols;
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(Bpe.key(word.get(i), word.get(i + 1)));
                if (r != null && r < best) {
                    best = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> next = new ArrayList<>();
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
}
