package dev.originality.measure.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import dev.originality.inversion.Placeholders;
import dev.originality.inversion.Templates;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Draws the reconstructions of every learned length in as few denoising runs as memory allows:
 * rows (length m, sample j) are stacked, each with the prompt template filled with "S*_1 … S*_m" of its length and the
 * start noise of seed (seed + j), the same noise for every length, so that lengths differ only in
 * their tokens. Rows are cut into chunks of at most maxBatch; each row's result depends only on
 * its prompt and its noise.
 */
public final class Reconstructor {
    private final StableDiffusion sd;
    private final ScoreConfig config;
    private final String prompt;

    /** Prompts are the bare sequence "S*_1 … S*_m" (the shapes world's captions are bare word lists). */
    public Reconstructor(StableDiffusion sd, ScoreConfig config) {
        this(sd, config, "{}");
    }

    /** prompt: a template whose "{}" is replaced by the sequence, e.g. "a photo of {}" (App. E.2) or "cat in {}". */
    public Reconstructor(StableDiffusion sd, ScoreConfig config, String prompt) {
        if (prompt == null || !prompt.contains("{}")) {
            throw new IllegalArgumentException("prompt must contain {} for the learned tokens, found " + (prompt == null ? "none" : "'" + prompt + "'"));
        }
        this.sd = sd;
        this.config = config;
        this.prompt = prompt;
    }

    /** Seed of sample j (the same for every length). */
    public long sampleSeed(int j) {
        return config.seed() + j;
    }

    /** Denoising steps that {@link #draw} will run for this many lengths (for progress bars). */
    public int stepsFor(int lengths) {
        int rows = lengths * config.samples();
        return ((rows + config.maxBatch() - 1) / config.maxBatch()) * config.steps();
    }

    /**
     * embeddings: length m → its vectors [m, C]. Returns length m → its samples' images, in sample
     * order. progress receives the number of denoising steps done so far.
     */
    public Map<Integer, List<BufferedImage>> draw(Map<Integer, NDArray> embeddings, IntConsumer progress) {
        List<Integer> lengths = new ArrayList<>(embeddings.keySet());
        int n = config.samples();
        Map<Integer, List<BufferedImage>> out = new LinkedHashMap<>();
        try (NDManager work = NDManager.newBaseManager(sd.manager().getDevice())) {
            List<NDArray> cond = new ArrayList<>();
            long[] seeds = new long[lengths.size() * n];
            for (int k = 0; k < lengths.size(); k++) {
                NDArray c = context(lengths.get(k), embeddings.get(lengths.get(k)), work);           // [1, L, C]
                for (int j = 0; j < n; j++) {
                    cond.add(c);
                    seeds[k * n + j] = sampleSeed(j);
                }
            }
            TextToImage.Sampling sampling = new TextToImage.Sampling(config.steps(), config.guidance(), config.scheduler(), config.seed());
            List<BufferedImage> images = TextToImage.drawRows(sd, cond, seeds, sampling, config.maxBatch(), progress);
            for (int k = 0; k < lengths.size(); k++) out.put(lengths.get(k), List.copyOf(images.subList(k * n, (k + 1) * n)));
        }
        return out;
    }

    /** The prompt of length m, its placeholders bound to the learned vectors: [1, L, C]. */
    private NDArray context(int m, NDArray vectors, NDManager work) {
        String base = Placeholders.baseForLength(m);
        List<String> tokens = Placeholders.tokens(base, m);
        Map<String, NDArray> injected = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) injected.put(tokens.get(i), vectors.get(i));
        return TextToImage.encodePrompt(sd, Templates.fill(prompt, Placeholders.sequence(base, m)), injected, 1, work);
    }
}
