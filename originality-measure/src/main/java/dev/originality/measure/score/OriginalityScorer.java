package dev.originality.measure.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.MultiTokenInversion;
import dev.originality.inversion.QueryImage;
import dev.originality.measure.detect.ShapeDetector;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores the originality of an image against a frozen model (paper §4): invert the query into
 * m = 1..K tokens (all lengths in one batch, or one at a time with early stop), draw N
 * reconstructions per length, let the {@link Judge} decide whether each length reconstructs the
 * query in distribution, and take the smallest passing m.
 */
public final class OriginalityScorer {
    /** Phases report their total and then each step done. */
    public interface Progress {
        void phase(String name, int total);

        void step(int done, String message);

        Progress NONE = new Progress() {
            @Override
            public void phase(String name, int total) {}

            @Override
            public void step(int done, String message) {}
        };
    }

    private final StableDiffusion sd;
    private final Judge judge;
    private final ScoreConfig config;

    /** The synthetic scorer: the shape detector judges the reconstructions. */
    public OriginalityScorer(StableDiffusion sd, ShapeDetector detector, ScoreConfig config) {
        this(sd, new DetectorJudge(detector, config), config);
    }

    public OriginalityScorer(StableDiffusion sd, Judge judge, ScoreConfig config) {
        this.sd = sd;
        this.judge = judge;
        this.config = config;
    }

    public ScoreConfig config() {
        return config;
    }

    public Judge judge() {
        return judge;
    }

    public Score score(BufferedImage input, Progress progress) {
        int side = sd.imageSize();
        try (NDManager m = NDManager.newBaseManager(sd.manager().getDevice())) {
            QueryImage q = QueryImage.of(input, side, m);
            BufferedImage query = PngImages.toImage(q.pixels().get(0));                           // as the model sees it
            Judge.Session session = judge.start(query);
            MultiTokenInversion inversion = new MultiTokenInversion(sd, config.inversion());
            Reconstructor rec = new Reconstructor(sd, config, judge.reconstructionPrompt());
            Map<Integer, List<BufferedImage>> images = new TreeMap<>();
            Map<Integer, float[]> vectors = new TreeMap<>();
            List<Verdict> results = new ArrayList<>();
            Map<Integer, MultiTokenInversion.Selection> selection;
            long width = sd.textEncoder().config().hiddenSize();
            double[] seconds = new double[2];
            long t0 = System.nanoTime();
            if (!config.sequential()) {
                progress.phase("invert", config.inversion().steps());
                var inv = inversion.run(q.pixels(), m, (step, loss, byLength) -> progress.step(step + 1, String.format("loss %.4f", loss)));
                seconds[0] = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                Map<Integer, NDArray> kept = inv.embeddings();                                    // length → [m, C]
                progress.phase("reconstruct", rec.stepsFor(kept.size()));
                Map<Integer, List<BufferedImage>> drawn = rec.draw(kept, i -> progress.step(i, ""));
                for (var e : kept.entrySet()) {
                    vectors.put(e.getKey(), e.getValue().toFloatArray());
                    images.put(e.getKey(), drawn.get(e.getKey()));
                    results.add(session.judge(e.getKey(), e.getValue(), drawn.get(e.getKey()), inv.finalLoss().get(e.getKey())));
                }
                seconds[1] = (System.nanoTime() - t1) / 1e9;
                selection = inv.selection();
            } else {
                double[] reconTime = {0};
                selection = inversion.runSequential(q.pixels(), m, (step, loss, byLength) -> {}, (len, vecs, loss) -> {
                    long t1 = System.nanoTime();
                    Map<Integer, List<BufferedImage>> drawn = rec.draw(Map.of(len, vecs), i -> {});
                    vectors.put(len, vecs.toFloatArray());
                    images.put(len, drawn.get(len));
                    Verdict r = session.judge(len, vecs, drawn.get(len), loss);
                    results.add(r);
                    reconTime[0] += (System.nanoTime() - t1) / 1e9;
                    progress.step(len, "m=" + len + " " + r.brief() + (r.passed() ? " passed" : ""));
                    return !r.passed();
                }).selection();
                seconds[1] = reconTime[0];
                seconds[0] = (System.nanoTime() - t0) / 1e9 - seconds[1];
            }
            Integer min = null;
            for (Verdict r : results) {
                if (r.passed()) {
                    min = r.tokens();
                    break;
                }
            }
            return new Score(query, q.preprocessing(), judge.describe(), session.note(), results, min, images, vectors, (int) width,
                    seconds[0], seconds[1], selection);
        }
    }
}
