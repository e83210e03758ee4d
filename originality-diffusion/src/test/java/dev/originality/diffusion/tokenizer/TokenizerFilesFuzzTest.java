package dev.originality.diffusion.tokenizer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target: a tokenizer folder ({@link ClipTokenizer#load}). The input is split at NUL bytes
 * into vocab.json, merges.txt, tokenizer_config.json (absent when empty) and a prompt; a tokenizer
 * that loads must encode the prompt to maxLength valid ids starting with bos. Seeds:
 * TokenizerFilesFuzzTestInputs/; long run: {@code bench/fuzz.sh TokenizerFilesFuzzTest}.
 */
public class TokenizerFilesFuzzTest {
    private static final Path DIR = FuzzFiles.tempDir("tokenizer-files-fuzz");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus the fixture vocabulary and merges it loads besides the fuzzed file.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("TokenizerFilesFuzzTest", 2, 8L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, TokenizerFilesFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        List<byte[]> parts = split(data, 4);
        Files.write(DIR.resolve(ClipTokenizerFiles.VOCAB), parts.get(0));
        Files.write(DIR.resolve(ClipTokenizerFiles.MERGES), parts.get(1));
        Path config = DIR.resolve(ClipTokenizerFiles.CONFIG);
        if (parts.get(2).length == 0) Files.deleteIfExists(config);
        else Files.write(config, parts.get(2));
        ClipTokenizer t;
        try {
            t = ClipTokenizer.load(DIR);
        } catch (IllegalArgumentException e) {
            Expected.check(e, DIR.toString());
            return;
        }
        PromptFuzzTest.checkEncoding(t, new String(parts.get(3), StandardCharsets.UTF_8));
    }

    /** {@code n} parts at the first n-1 NUL bytes; missing parts are empty. */
    static List<byte[]> split(byte[] data, int n) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length && parts.size() < n - 1; i++) {
            if (data[i] == 0) {
                parts.add(java.util.Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        parts.add(java.util.Arrays.copyOfRange(data, Math.min(start, data.length), data.length));
        while (parts.size() < n) parts.add(new byte[0]);
        return parts;
    }

    @FuzzTest
    void tokenizerFiles(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
