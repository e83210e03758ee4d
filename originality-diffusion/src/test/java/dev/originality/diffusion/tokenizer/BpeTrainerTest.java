package dev.originality.diffusion.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTrainerTest {
    static final List<String> SIZES = List.of("big", "small");
    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange", "cyan");
    static final List<String> FILLS = List.of("full", "empty", "striped");
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "hexagon", "star", "pentagon");

    /** Captions like "big red full circle and small blue empty square", seeded. */
    static List<String> shapesCorpus(int n, long seed) {
        Random r = new Random(seed);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String caption = element(r);
            if (r.nextBoolean()) caption += " and " + element(r);
            corpus.add(caption);
        }
        return corpus;
    }

    private static String element(Random r) {
        return String.join(" ", pick(SIZES, r), pick(COLOURS, r), pick(FILLS, r), pick(SHAPES, r));
    }

    private static String pick(List<String> options, Random r) {
        return options.get(r.nextInt(options.size()));
    }

    @Test
    void everyCaptionWordBecomesOneTokenAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        List<String> corpus = shapesCorpus(300, 7);
        ClipTokenizer trained = BpeTrainer.train(corpus, 1000);

        Set<String> words = new LinkedHashSet<>();
        for (String caption : corpus) words.addAll(List.of(caption.split(" ")));
        assertThat(words).contains("and", "hexagon", "striped");
        for (String word : words) {
            assertThat(trained.tokenize(word)).as(word).containsExactly(word + "</w>");
            assertThat(trained.tokenId(word + "</w>")).as(word).isNotEqualTo(trained.unkId());
        }
        for (String caption : corpus) assertThat(trained.tokenize(caption)).hasSize(caption.split(" ").length);

        // CLIP layout: bytes, end-of-word bytes, merges, then bos and eos; stopped before the limit because all words are whole.
        assertThat(trained.tokenId("!")).isZero();
        assertThat(trained.tokenId("!</w>")).isEqualTo(256);
        assertThat(trained.vocabSize()).isLessThan(1000);
        assertThat(trained.bosId()).isEqualTo(trained.vocabSize() - 2);
        assertThat(trained.eosId()).isEqualTo(trained.vocabSize() - 1);
        assertThat(trained.padId()).isEqualTo(trained.eosId());
        assertThat(trained.maxLength()).isEqualTo(77);

        trained.save(dir);
        assertThat(Files.readAllLines(dir.resolve("merges.txt")).get(0)).isEqualTo("#version: 0.2");
        assertThat(Files.readAllLines(dir.resolve("merges.txt"))).hasSize(trained.vocabSize() - 2 * 256 - 2 + 1);
        ClipTokenizer loaded = ClipTokenizer.load(dir);
        assertThat(loaded.vocabSize()).isEqualTo(trained.vocabSize());
        for (String caption : corpus) {
            long[] ids = trained.encode(caption);
            assertThat(loaded.encode(caption)).isEqualTo(ids);
            assertThat(ids[0]).isEqualTo(trained.bosId());
            assertThat(ids[caption.split(" ").length + 1]).isEqualTo(trained.eosId());
        }
        // Unseen text still tokenizes, through byte symbols.
        List<String> unseen = loaded.tokenize("a mauve rhombus 😀");
        assertThat(unseen).hasSizeGreaterThan(4).allSatisfy(t -> assertThat(loaded.tokenId(t)).isNotEqualTo(loaded.unkId()));
    }

    @Test
    void trainingDoesNotDependOnCorpusOrder() {
        List<String> corpus = shapesCorpus(200, 11);
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(3));
        ClipTokenizer a = BpeTrainer.train(corpus, 1000);
        ClipTokenizer b = BpeTrainer.train(shuffled, 1000);
        assertThat(b.vocab()).isEqualTo(a.vocab());
        assertThat(b.merges()).isEqualTo(a.merges());
    }

    @Test
    void stopsAtTheVocabularyLimit() {
        ClipTokenizer t = BpeTrainer.train(shapesCorpus(100, 5), 530);
        assertThat(t.vocabSize()).isEqualTo(530);
        assertThat(t.merges()).hasSize(530 - 514);
        assertThat(t.tokenize("pentagon").size()).isGreaterThan(1);
        assertThatThrownBy(() -> BpeTrainer.train(List.of("x"), 513))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 514");
    }
}
