package dev.originality.inversion;

import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: learned embeddings files ({@link LearnedEmbeddings#load}) in diffusers form
 * ({token: [m, C]}) and AUTOMATIC1111 form ({@code emb_params} with a "name"). Width 4 is
 * expected; a file that loads gives m ≥ 1 finite-shaped vectors of that width and m placeholder
 * tokens. Seeds: EmbeddingsFuzzTestInputs/; long run: {@code bench/fuzz.sh EmbeddingsFuzzTest}.
 */
public class EmbeddingsFuzzTest {
    static final int WIDTH = 4;
    private static final Path FILE = FuzzFiles.tempDir("embeddings-fuzz").resolve("learned_embeds.safetensors");
    private static final NDManager ROOT = NDManager.newBaseManager();

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus parser state and the header/metadata it keeps.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("EmbeddingsFuzzTest", 2, 1L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, EmbeddingsFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (NDManager m = ROOT.newSubManager()) {
            LearnedEmbeddings e = LearnedEmbeddings.load(FILE, m, WIDTH);
            if (e.count() < 1 || e.width() != WIDTH || e.expand().size() != e.count()) {
                throw new AssertionError("loaded " + e.vectors().getShape() + " as " + e.count() + " x " + e.width());
            }
        } catch (IllegalArgumentException e) {
            Expected.check(e, FILE.toString());
        }
    }

    @FuzzTest
    void embeddings(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
