package dev.originality.diffusion.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.originality.diffusion.tokenizer.ClipTokenizerFixtureTest.TOKENIZER_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour on odd inputs, truncation and added tokens, with the sd-tiny tokenizer. */
class ClipTokenizerTest {
    static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = ClipTokenizer.load(TOKENIZER_DIR);
    }

    @Test
    void emptyAndBlankPromptsAreBosEosThenPadding() {
        for (String prompt : List.of("", "   ", "\t\n")) {
            assertThat(tokenizer.tokenize(prompt)).isEmpty();
            assertThat(tokenizer.encodeUnpadded(prompt)).containsExactly(655, 656);
            long[] ids = tokenizer.encode(prompt);
            assertThat(ids).hasSize(77);
            assertThat(ids[0]).isEqualTo(655);
            for (int i = 1; i < 77; i++) assertThat(ids[i]).isEqualTo(tokenizer.padId());
        }
    }

    @Test
    void upperCaseTabsAndRepeatedSpacesTokenizeLikeTheCleanText() {
        List<String> clean = tokenizer.tokenize("a photo of the night");
        assertThat(clean).containsExactly("a</w>", "photo</w>", "of</w>", "the</w>", "night</w>");
        assertThat(tokenizer.tokenize("A PHOTO Of The NiGhT")).isEqualTo(clean);
        assertThat(tokenizer.tokenize("  a\tphoto\n\nof   the\r\nnight  ")).isEqualTo(clean);
        assertThat(tokenizer.tokenize("a\u00a0photo\u3000of the night")).as("non-breaking and ideographic spaces").isEqualTo(clean);
        assertThat(tokenizer.encode("A  PHOTO\tof the night")).isEqualTo(tokenizer.encode("a photo of the night"));
    }

    @Test
    void emojiFallBackToByteSymbols() {
        // U+1F600 is UTF-8 F0 9F 98 80, which the byte-to-unicode map writes as "ðŁĺĢ" (as in GPT-2/CLIP vocabularies).
        assertThat(tokenizer.tokenize("😀")).containsExactly("ð", "Ł", "ĺ", "Ģ</w>");
        int[] ids = tokenizer.encodeUnpadded("😀");
        assertThat(ids).hasSize(6);
        // Every byte symbol is in the vocabulary, so nothing maps to unk.
        assertThat(ids[1]).isEqualTo(tokenizer.tokenId("ð")).isNotEqualTo(tokenizer.unkId());
        assertThat(ids[4]).isEqualTo(tokenizer.tokenId("Ģ</w>"));
        // The zero-width joiner of an emoji sequence is a format character and is dropped, as transformers does.
        assertThat(tokenizer.tokenize("\u200d")).isEmpty();
    }

    @Test
    void splitsContractionsDigitsAndPunctuationWithClipsPattern() {
        // "'m" and "'s" are words of their own; digits are single-digit words; punctuation runs stay together.
        assertThat(tokenizer.tokenize("I'm 12")).containsExactly("i</w>", "'", "m</w>", "1</w>", "2</w>");
        assertThat(tokenizer.tokenize("night's")).containsExactly("night</w>", "'", "s</w>");
        assertThat(tokenizer.tokenize("night?!")).containsExactly("night</w>", "?", "!</w>");
        // Special tokens written in the text are recognised, in any case after lower-casing.
        assertThat(tokenizer.encodeUnpadded("<|endoftext|>night")).containsExactly(655, 656, 623, 656);
        assertThat(tokenizer.encodeUnpadded("<|STARTOFTEXT|>")).containsExactly(655, 655, 656);
    }

    @Test
    void longPromptsKeepBosTheFirst75TokensAndEos() {
        String prompt = "a photo ".repeat(60).strip(); // 120 tokens
        List<String> tokens = tokenizer.tokenize(prompt);
        assertThat(tokens).hasSize(120);
        int[] unpadded = tokenizer.encodeUnpadded(prompt);
        long[] padded = tokenizer.encode(prompt);
        assertThat(unpadded).hasSize(77);
        assertThat(padded).hasSize(77);
        assertThat(unpadded[0]).isEqualTo(655);
        assertThat(unpadded[76]).isEqualTo(656);
        for (int i = 1; i <= 75; i++) {
            assertThat(unpadded[i]).isEqualTo(tokenizer.tokenId(tokens.get(i - 1)));
            assertThat(padded[i]).isEqualTo(unpadded[i]);
        }
        assertThat(padded[76]).isEqualTo(656);
        assertThat(unpadded[75]).isEqualTo(320); // token 75 is "a</w>" (odd positions), token 76 "photo</w>" is cut
    }

    @Test
    void addedTokensAreMatchedWholeAdjacentOrSpaced() {
        ClipTokenizer t = tokenizer.withAddedTokens(List.of("<s*1>", "<s*2>"));
        assertThat(t.addedTokenIds()).containsExactly(657, 658);
        assertThat(t.addedTokens()).containsExactly("<s*1>", "<s*2>");
        assertThat(t.vocabSize()).isEqualTo(657);
        assertThat(t.size()).isEqualTo(659);

        assertThat(t.tokenize("<s*1><s*2>")).containsExactly("<s*1>", "<s*2>");
        assertThat(t.encodeUnpadded("<s*1><s*2>")).containsExactly(655, 657, 658, 656);
        assertThat(t.encodeUnpadded("a photo of <s*1> <s*2>")).containsExactly(655, 320, 632, 513, 657, 658, 656);
        assertThat(t.encodeUnpadded("night<s*2>night")).containsExactly(655, 623, 658, 623, 656);
        long[] padded = t.encode("a photo of <s*1>");
        assertThat(padded).hasSize(77);
        assertThat(padded[4]).isEqualTo(657);
        assertThat(padded[5]).isEqualTo(656);

        // Case as given: "<S*1>" is ordinary text, lower-cased and split by BPE.
        assertThat(t.tokenize("<S*1>")).doesNotContain("<s*1>").isEqualTo(tokenizer.tokenize("<s*1>"));
        // The original tokenizer is unchanged.
        assertThat(tokenizer.tokenize("<s*1>")).doesNotContain("<s*1>");
        assertThat(tokenizer.addedTokenIds()).isEmpty();

        // Adding more continues the ids.
        ClipTokenizer more = t.withAddedTokens(List.of("<s*3>"));
        assertThat(more.addedTokenIds()).containsExactly(657, 658, 659);
        assertThat(more.encodeUnpadded("<s*3><s*1>")).containsExactly(655, 659, 657, 656);
    }

    @Test
    void longestAddedTokenWins() {
        ClipTokenizer t = tokenizer.withAddedTokens(List.of("<s*1>", "<s*1>x"));
        assertThat(t.tokenize("<s*1>x<s*1>")).containsExactly("<s*1>x", "<s*1>");
    }

    @Test
    void rejectsAddedTokensThatAlreadyExist() {
        assertThatThrownBy(() -> tokenizer.withAddedTokens(List.of("photo</w>")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'photo</w>' already exists in the vocabulary (id 632)");
        assertThatThrownBy(() -> tokenizer.withAddedTokens(List.of("<|endoftext|>")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists in the vocabulary");
        assertThatThrownBy(() -> tokenizer.withAddedTokens(List.of("<s*1>", "<s*1>")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
        assertThatThrownBy(() -> tokenizer.withAddedTokens(List.of("<s*1>")).withAddedTokens(List.of("<s*1>")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already added (id 657)");
        assertThatThrownBy(() -> tokenizer.withAddedTokens(List.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void addedTokensSurviveSaveAndLoad(@TempDir Path dir) throws Exception {
        ClipTokenizer t = tokenizer.withAddedTokens(List.of("<s*1>", "<s*2>"));
        t.save(dir);
        assertThat(Files.readString(dir.resolve("added_tokens.json"))).isEqualTo("{\n  \"<s*1>\": 657,\n  \"<s*2>\": 658\n}\n");
        assertThat(Files.readString(dir.resolve("tokenizer_config.json"))).contains("\"657\": {\n      \"content\": \"<s*1>\"");
        ClipTokenizer loaded = ClipTokenizer.load(dir);
        assertThat(loaded.addedTokens()).containsExactly("<s*1>", "<s*2>");
        assertThat(loaded.encode("a photo of <s*1> <s*2>")).isEqualTo(t.encode("a photo of <s*1> <s*2>"));
    }
}
