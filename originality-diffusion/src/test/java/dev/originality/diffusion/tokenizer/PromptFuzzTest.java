package dev.originality.diffusion.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target: arbitrary prompts (UTF-8, invalid sequences replaced) through the sd-tiny fixture
 * tokenizer with two added tokens. Every prompt encodes to maxLength ids, bos first, all below
 * the tokenizer's size. Seeds: PromptFuzzTestInputs/; long run: {@code bench/fuzz.sh PromptFuzzTest}.
 */
public class PromptFuzzTest {
    private static final ClipTokenizer TOKENIZER = load();

    /**
     * The heap one execution may allocate ({@link Allocation}): the input and a copy, plus 8 MiB. The
     * tokenizer itself allocates in proportion to the prompt (BpeMergeTest; ~155 bytes per char of a
     * long word, at most 122 KB over the corpus of a 1,000,000-execution run), but under the fuzzer
     * every map miss and string comparison also feeds Jazzer's comparison hooks, which allocate: that
     * run's worst input measured 4.19 MB instrumented. (BPE that rescanned the word per merge round, with Jazzer's regex
     * hook on, measured 17 MB for PromptFuzzTestInputs/prompt/long-cjk-word-allocation.)
     */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("PromptFuzzTest", 2, 8L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, PromptFuzzTest::readOne);
    }

    private static void readOne(byte[] data) {
        checkEncoding(TOKENIZER, new String(data, StandardCharsets.UTF_8));
    }

    /** Encodes {@code prompt}; a refusal must be our IllegalArgumentException with a message. */
    static void checkEncoding(ClipTokenizer t, String prompt) {
        long[] ids;
        try {
            ids = t.encode(prompt);
        } catch (IllegalArgumentException e) {
            Expected.check(e);
            return;
        }
        if (ids.length != t.maxLength() || ids[0] != t.bosId()) {
            throw new AssertionError("encoding of length " + ids.length + " starting " + (ids.length == 0 ? "-" : ids[0]));
        }
        for (long id : ids) if (id < 0 || id >= t.size()) throw new AssertionError("id " + id + " outside 0.." + (t.size() - 1));
    }

    private static ClipTokenizer load() {
        try {
            return ClipTokenizer.load(Path.of("src/test/resources/fixtures/sd-tiny/pipeline/tokenizer"))
                    .withAddedTokens(List.of("<s*1>", "<s*2>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void prompt(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
