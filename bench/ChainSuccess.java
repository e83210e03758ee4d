import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.MultiTokenInversion;
import dev.originality.inversion.QueryImage;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.DetectorJudge;
import dev.originality.measure.score.Judge;
import dev.originality.measure.score.Reconstructor;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.measure.score.Verdict;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How often does one chain's search succeed? Learns lengths 1..K with R + 1 independent chains each (the inversion's
 * restarts), then reconstructs and judges EVERY chain, not only the kept one, as the score would (the cpu preset's
 * samples, steps and guidance). One JSON line per chain: {"query", "setting", "length", "restart", "eval", "rate",
 * "passed"}; chains of one length share nothing but the frozen model, so their pass share estimates the per-chain
 * success probability under the setting.
 *
 * Usage: java -cp "originality-cli/target/originality.jar:originality-cli/target/lib/*" bench/ChainSuccess.java
 *        MODEL QUERY.png K R STEPS BATCH LR INIT_NOISE WINDOW SEED [SAMPLES]
 */
public class ChainSuccess {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]), query = Path.of(a[1]);
        int k = Integer.parseInt(a[2]), restarts = Integer.parseInt(a[3]), steps = Integer.parseInt(a[4]), batch = Integer.parseInt(a[5]);
        double lr = Double.parseDouble(a[6]), noise = Double.parseDouble(a[7]);
        int window = Integer.parseInt(a[8]);
        long seed = Long.parseLong(a[9]);
        int samples = a.length > 10 ? Integer.parseInt(a[10]) : 10;
        ScoreConfig cpu = ScoreConfig.cpu().withSamples(samples);
        ScoreConfig config = cpu.withInversion(cpu.inversion().withMaxTokens(k).withRestarts(restarts).withSteps(steps).withBatch(batch)
                .withLr(lr).withInitNoise(noise).withTimestepWindow(window).withSeed(seed));
        String setting = String.format(Locale.ROOT, "K%d R%d %dx%d lr%s noise%s w%d seed%d", k, restarts, steps, batch, a[6], a[7], window, seed);
        try (StableDiffusion sd = StableDiffusion.load(model); ShapeDetector detector = ShapeDetector.loadDefault();
             NDManager m = NDManager.newBaseManager()) {
            QueryImage q = QueryImage.load(query, sd.imageSize(), m);
            BufferedImage seen = PngImages.toImage(q.pixels().get(0));
            Judge.Session session = new DetectorJudge(detector, config).start(seen);
            long t0 = System.nanoTime();
            MultiTokenInversion.Result r = new MultiTokenInversion(sd, config.inversion()).run(q.pixels(), m, null);
            double invSeconds = (System.nanoTime() - t0) / 1e9;
            Reconstructor rec = new Reconstructor(sd, config);
            for (int restart = 0; restart <= restarts; restart++) {
                final int rr = restart;
                Map<Integer, NDArray> byLength = new java.util.TreeMap<>();
                r.chains().forEach((len, list) -> byLength.put(len, list.get(rr)));
                Map<Integer, List<BufferedImage>> drawn = rec.draw(byLength, i -> {});
                for (var e : byLength.entrySet()) {
                    Verdict v = session.judge(e.getKey(), e.getValue(), drawn.get(e.getKey()), Double.NaN);
                    var sel = r.selection().get(e.getKey());
                    System.out.printf(Locale.ROOT, "{\"query\": \"%s\", \"setting\": \"%s\", \"length\": %d, \"restart\": %d, \"eval\": %s, "
                                    + "\"rate\": \"%s\", \"passed\": %b, \"inversion_seconds\": %.1f}%n", query, setting, e.getKey(), rr,
                            sel == null ? "null" : String.format(Locale.ROOT, "%.6f", sel.evalLoss()[rr]), v.brief(), v.passed(), invSeconds);
                }
            }
        }
    }
}
