package dev.originality.inversion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.schedulers.Scheduler;
import dev.originality.diffusion.schedulers.Schedulers;
import dev.originality.diffusion.tokenizer.ClipTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiTokenInversionTest {
    static StableDiffusion sd;
    static NDManager m;
    static QueryImage query;

    @BeforeAll
    static void load() throws Exception {
        sd = TinyModel.load();
        m = NDManager.newBaseManager();
        query = TinyModel.query(m);
    }

    @AfterAll
    static void close() {
        m.close();
        sd.close();
    }

    @Test
    void lossFallsOverTraining() {
        var cfg = InversionConfig.tiny().withBatch(8).withSteps(150).withLr(1e-1);
        var r = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        double first = mean(r.losses(), 0, 20), last = mean(r.losses(), 130, 150);
        System.out.printf("loss: first 20 steps %.5f, last 20 steps %.5f%n", first, last);
        assertThat(last).isLessThan(first);
    }

    @Test
    void seedDeterminesTheEmbeddings() {
        var cfg = InversionConfig.tiny().withSteps(8);
        var a = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        var b = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        var c = new MultiTokenInversion(sd, cfg.withSeed(1)).run(query.pixels(), m, null);
        for (int len = 1; len <= cfg.maxTokens(); len++) {
            assertThat(a.embeddings().get(len).toFloatArray()).containsExactly(b.embeddings().get(len).toFloatArray());
            assertThat(a.embeddings().get(len).toFloatArray()).isNotEqualTo(c.embeddings().get(len).toFloatArray());
        }
        assertThat(a.losses()).containsExactly(b.losses());
    }

    /**
     * Chains split over two worker threads (the default on a CPU) learn what one pass over the whole batch learns, up to
     * float rounding (the kernels see batches of a different size), and reproduce themselves exactly.
     */
    @Test
    void workerThreadsLearnWhatOnePassLearns() {
        var cfg = InversionConfig.tiny().withSteps(12);
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        var serial = new MultiTokenInversion(sd, cfg, 1).run(query.pixels(), m, null);
        var split = new MultiTokenInversion(sd, cfg, 2).run(query.pixels(), m, null);
        assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).as("libtorch threads after the workers").isEqualTo(threads);
        var again = new MultiTokenInversion(sd, cfg, 2).run(query.pixels(), m, null);
        for (int len = 1; len <= cfg.maxTokens(); len++) {
            float[] a = serial.embeddings().get(len).toFloatArray(), b = split.embeddings().get(len).toFloatArray();
            double worst = 0, scale = 0;
            for (int j = 0; j < a.length; j++) {
                worst = Math.max(worst, Math.abs(a[j] - b[j]));
                scale = Math.max(scale, Math.abs(a[j]));
            }
            assertThat(worst).as("largest difference, length " + len).isLessThan(1e-4 * scale);
            assertThat(again.embeddings().get(len).toFloatArray()).containsExactly(b);
        }
        for (int i = 0; i < cfg.steps(); i++) assertThat(split.losses()[i]).isCloseTo(serial.losses()[i], within(1e-5 * serial.losses()[i]));
        assertThat(again.losses()).containsExactly(split.losses());
        assertThatThrownBy(() -> new MultiTokenInversion(sd, cfg, 0)).hasMessageContaining("inversion workers must be >= 1, found 0");
    }

    /** Whole chains to the least-loaded worker, largest first: K = 5 at batch 6 splits 3 + 3, and never more groups than chains. */
    @Test
    void workersGetWholeChainsBalancedBySamples() {
        var cpu = InversionConfig.cpu();                                        // batch 6 over K = 5: length 1 gets two samples
        int[] chainOfSample = java.util.stream.IntStream.range(0, cpu.batch()).map(cpu::chainOfSample).toArray();
        assertThat(chainOfSample).containsExactly(1, 1, 2, 3, 4, 5);
        assertThat(ChainWorkers.groups(chainOfSample, 2)).isDeepEqualTo(new int[][] {{0, 1, 4}, {2, 3, 5}});
        assertThat(ChainWorkers.groups(new int[] {1, 2, 3, 4, 5}, 2)).isDeepEqualTo(new int[][] {{0, 2, 4}, {1, 3}});
        assertThat(ChainWorkers.groups(new int[] {1, 1, 1}, 4)).isDeepEqualTo(new int[][] {{0, 1, 2}});
    }

    /** Each length reports its own loss: the mean of its samples' losses over the last tenth of the steps. */
    @Test
    void finalLossIsPerLength() {
        var cfg = InversionConfig.tiny().withSteps(20);
        List<double[]> byLength = new ArrayList<>();
        var r = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, (step, loss, lengthLoss) -> byLength.add(lengthLoss.clone()));
        assertThat(r.finalLoss().keySet()).containsExactly(1, 2);
        for (int len = 1; len <= cfg.maxTokens(); len++) {
            double expected = (byLength.get(18)[len - 1] + byLength.get(19)[len - 1]) / 2;   // last tenth of 20 steps
            assertThat(r.finalLoss().get(len)).isCloseTo(expected, within(1e-12));
        }
        assertThat(r.finalLoss().values()).doesNotHaveDuplicates();
    }

    /** Restarts: every length keeps the chain with the lowest loss on the fixed draws; the same seed keeps the same. */
    @Test
    void restartsKeepTheChainWithTheLowestEvalLoss() {
        var cfg = InversionConfig.tiny().withRestarts(1).withSteps(10);
        assertThat(cfg.batch()).isEqualTo(4);                                   // K = 2 lengths x 2 chains, one sample each
        var a = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        var b = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        assertThat(a.selection().keySet()).containsExactly(1, 2);
        for (int len = 1; len <= 2; len++) {
            double[] eval = a.selection().get(len).evalLoss();
            assertThat(eval).hasSize(2);
            for (double e : eval) assertThat(e).isFinite().isPositive();
            assertThat(eval[0]).isNotEqualTo(eval[1]);
            assertThat(a.selection().get(len).kept()).isEqualTo(eval[0] <= eval[1] ? 0 : 1);
            assertThat(b.selection().get(len).evalLoss()).containsExactly(eval);
            assertThat(a.embeddings().get(len).toFloatArray()).containsExactly(b.embeddings().get(len).toFloatArray());
            assertThat(a.embeddings().get(len).getShape().get(0)).isEqualTo(len);
            List<NDArray> chains = a.chains().get(len);                        // every chain, the kept one among them
            assertThat(chains).hasSize(2);
            assertThat(chains.get(a.selection().get(len).kept()).toFloatArray()).containsExactly(a.embeddings().get(len).toFloatArray());
            assertThat(chains.get(0).toFloatArray()).isNotEqualTo(chains.get(1).toFloatArray());
        }
        var single = new MultiTokenInversion(sd, InversionConfig.tiny().withSteps(2)).run(query.pixels(), m, null);
        assertThat(single.selection()).isEmpty();
        assertThat(single.chains().get(2)).hasSize(1);
    }

    /** Init noise: σ · rms(init) per coordinate, a different start for every token of the batch, the same for the same seed. */
    @Test
    void initNoiseSpreadsTheStartsByItsScale() {
        float[] init = initRow("and");
        var plain = new MultiTokenInversion(sd, InversionConfig.tiny());
        assertThat(plain.startVector(init, 3, 0)).containsExactly(init);
        var noisy = new MultiTokenInversion(sd, InversionConfig.tiny().withInitNoise(2));
        float[] a = noisy.startVector(init, 3, 0), b = noisy.startVector(init, 3, 1);
        assertThat(noisy.startVector(init, 3, 0)).containsExactly(a);
        assertThat(a).isNotEqualTo(b);
        double rms = rms(init), moved = 0;
        for (int j = 0; j < init.length; j++) moved += (a[j] - init[j]) * (double) (a[j] - init[j]);
        moved = Math.sqrt(moved / init.length);
        assertThat(moved / rms).as("rms of the offset over rms of init").isBetween(1.4, 2.6);   // 32 draws of N(0, 2²)
        assertThatThrownBy(() -> InversionConfig.tiny().withInitNoise(-1)).hasMessageContaining("init noise must be a finite number >= 0");
    }

    private static double rms(float[] v) {
        double s = 0;
        for (float x : v) s += x * (double) x;
        return Math.sqrt(s / v.length);
    }

    /** Micro-batches change memory, not the maths: same draws, gradients summed over passes, so the same vectors up to rounding. */
    @Test
    void microBatchesGiveTheWholeBatchResult() {
        var cfg = InversionConfig.tiny().withBatch(6).withSteps(6);
        var whole = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        for (int pass : new int[] {1, 4}) {
            var parts = new MultiTokenInversion(sd, cfg.withMicroBatch(pass)).run(query.pixels(), m, null);
            for (int len = 1; len <= cfg.maxTokens(); len++) {
                float[] a = whole.embeddings().get(len).toFloatArray(), b = parts.embeddings().get(len).toFloatArray();
                float[] init = new MultiTokenInversion(sd, cfg.withSteps(1).withLr(1e-12)).run(query.pixels(), m, null)
                        .embeddings().get(len).toFloatArray();
                double moved = 0, diff = 0;
                for (int i = 0; i < a.length; i++) {
                    moved = Math.max(moved, Math.abs(a[i] - init[i]));
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                }
                assertThat(diff).as("micro-batch %d, length %d: max difference vs %.4f moved", pass, len, moved).isLessThan(moved * 1e-3);
            }
            for (int i = 0; i < whole.losses().length; i++) assertThat(parts.losses()[i]).isCloseTo(whole.losses()[i], within(1e-6));
        }
    }

    @Test
    void everyLengthLearnsAndTheModelStaysFrozen() {
        Map<String, float[]> before = snapshot();
        var cfg = InversionConfig.tiny().withMaxTokens(3).withBatch(6).withSteps(5);
        var r = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null);
        float[] init = initRow(cfg.initToken());
        assertThat(r.embeddings().keySet()).containsExactly(1, 2, 3);
        for (int len = 1; len <= 3; len++) {
            NDArray e = r.embeddings().get(len);
            assertThat(e.getShape()).isEqualTo(new Shape(len, 32));
            for (int i = 0; i < len; i++) {
                float[] row = e.get(i).toFloatArray();
                assertThat(maxAbsDiff(row, init)).as("length %d vector %d moved from init", len, i).isGreaterThan(1e-3);
            }
        }
        Map<String, float[]> after = snapshot();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((k, v) -> assertThat(after.get(k)).as(k).containsExactly(v));
        allParameters().forEach((k, p) -> assertThat(p.hasGradient()).as(k + " requires no gradient").isFalse());
    }

    @Test
    void gradientMatchesCentralDifferences() {
        var inv = new MultiTokenInversion(sd, InversionConfig.tiny());
        ClipTokenizer tok = sd.tokenizer().withAddedTokens(List.of("<s2*1>", "<s2*2>"));
        long[] ids = new long[2 * 77];
        System.arraycopy(tok.encode("a <s2*1> <s2*2>"), 0, ids, 0, 77);
        System.arraycopy(tok.encode("<s2*1> <s2*2>"), 0, ids, 77, 77);
        long[] t = {120, 640};
        long id1 = tok.tokenId("<s2*1>"), id2 = tok.tokenId("<s2*2>");
        try (NDManager s = m.newSubManager(); Scheduler sch = Schedulers.named("ddpm", sd.schedulerConfig())) {
            NDArray z = inv.encodeLatents(query.pixels(), s);
            Engine.getInstance().setRandomSeed(7);
            NDArray noise = s.randomNormal(new Shape(2, 4, 8, 8));
            NDArray v1 = s.create(initRow("and"));
            NDArray v2 = s.randomNormal(new Shape(32));
            v1.setRequiresGradient(true);
            float[] g;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = inv.sampleLosses(s, sch, z, noise, t, ids, Map.of(id1, v1, id2, v2)).sum();
                gc.backward(l);
                g = v1.getGradient().toFloatArray();
            }
            double norm = 0;
            for (float x : g) norm += x * x;
            norm = Math.sqrt(norm);
            // directional derivatives along the gradient and along one coordinate axis
            float[][] dirs = {scale(g, 1 / norm), unit(32, 5)};
            for (float[] u : dirs) {
                double analytic = dot(g, u);
                double h = 1e-2;
                double plus = loss(inv, s, sch, z, noise, t, ids, id1, add(v1, u, h), id2, v2);
                double minus = loss(inv, s, sch, z, noise, t, ids, id1, add(v1, u, -h), id2, v2);
                double numeric = (plus - minus) / (2 * h);
                double rel = Math.abs(numeric - analytic) / norm;
                System.out.printf("grad check: analytic %.6e numeric %.6e |g| %.4e rel err %.2e%n", analytic, numeric, norm, rel);
                assertThat(rel).isLessThanOrEqualTo(1e-2);
            }
            assertThat(norm).isGreaterThan(0);
        }
    }

    @Test
    void memoryStaysFlatAndValuesFinite() throws Exception {
        var cfg = InversionConfig.tiny().withBatch(2).withSteps(300);
        // warm up first: with every DJL manager's resource count flat, RSS still grows ~35 MB over the first
        // ~300 steps (native allocator pools) and then levels off; the assertion is about the steady state
        new MultiTokenInversion(sd, cfg.withSteps(300)).run(query.pixels(), m, null).embeddings().values().forEach(NDArray::close);
        // RSS after System.gc() at step 50, and at the end as the least of three readings (steps 260, 280, 300):
        // glibc/libtorch hold and return ~10 MB blocks from one reading to the next; a leak raises all three
        long[] rss = new long[4];
        double[] losses = new double[300];
        var r = new MultiTokenInversion(sd, cfg).run(query.pixels(), m, (step, loss, byLength) -> {
            losses[step] = loss;
            if (step == 49) rss[0] = rssKbUnchecked();
            if (step == 259 || step == 279 || step == 299) rss[1 + (step - 259) / 20] = rssKbUnchecked();
        });
        long end = Math.min(rss[1], Math.min(rss[2], rss[3]));
        System.out.printf("RSS step 50: %d kB, steps 260/280/300: %d/%d/%d kB%n", rss[0], rss[1], rss[2], rss[3]);
        for (double l : losses) assertThat(Double.isFinite(l)).isTrue();
        r.embeddings().values().forEach(e -> {
            for (float x : e.toFloatArray()) assertThat(Float.isFinite(x)).isTrue();
        });
        assertThat(end - rss[0]).isLessThan((long) (rss[0] * 0.05) + 16 * 1024);
    }

    /** Each length's samples take one timestep from each of its strata; every sample alone is still uniform over [0, T). */
    @Test
    void timestepsAreStratifiedPerLengthAndUniformPerSample() {
        int[] lengthOf = {1, 1, 2, 2, 2, 2};
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] sum = new double[lengthOf.length];
        int draws = 20_000;
        for (int d = 0; d < draws; d++) {
            long[] t = MultiTokenInversion.stratifiedTimesteps(r, lengthOf, 1000);
            long[] one = {t[0], t[1]}, two = {t[2], t[3], t[4], t[5]};
            java.util.Arrays.sort(one);
            java.util.Arrays.sort(two);
            assertThat(one[0]).isBetween(0L, 499L);
            assertThat(one[1]).isBetween(500L, 999L);
            for (int j = 0; j < 4; j++) assertThat(two[j]).isBetween(250L * j, 250L * j + 249);
            for (int i = 0; i < t.length; i++) sum[i] += t[i];
        }
        for (double s : sum) assertThat(s / draws).isCloseTo(499.5, org.assertj.core.data.Offset.offset(8.0));
    }

    /** Over each window of W steps a length's n·W timesteps take one from each of n·W strata; window ≤ 1 is the in-step draw. */
    @Test
    void timestepWindowsStratifyAcrossSteps() {
        int[] lengthOf = {1, 2, 2};
        int window = 10, windows = 300;
        double[] sum = new double[lengthOf.length];
        for (int w = 0; w < windows; w++) {
            List<Long> one = new ArrayList<>(), two = new ArrayList<>();
            for (int at = 0; at < window; at++) {
                int step = w * window + at;
                long[] t = MultiTokenInversion.stratifiedTimesteps(new java.util.SplittableRandom(step), lengthOf, 1000, 7, step, window);
                one.add(t[0]);
                two.add(t[1]);
                two.add(t[2]);
                for (int i = 0; i < t.length; i++) sum[i] += t[i];
            }
            Collections.sort(one);
            Collections.sort(two);
            for (int j = 0; j < 10; j++) assertThat(one.get(j)).isBetween(100L * j, 100L * j + 99);
            for (int j = 0; j < 20; j++) assertThat(two.get(j)).isBetween(50L * j, 50L * j + 49);
        }
        for (double s : sum) assertThat(s / (windows * window)).isCloseTo(499.5, org.assertj.core.data.Offset.offset(12.0));
        for (int window1 : new int[] {0, 1}) {
            long[] plain = MultiTokenInversion.stratifiedTimesteps(new java.util.SplittableRandom(3), lengthOf, 1000);
            long[] viaWindow = MultiTokenInversion.stratifiedTimesteps(new java.util.SplittableRandom(3), lengthOf, 1000, 7, 4, window1);
            assertThat(viaWindow).containsExactly(plain);
        }
    }

    @Test
    void divergenceStopsWithStepAndLength() {
        var cfg = InversionConfig.tiny().withLr(1e30).withSteps(20);
        assertThatThrownBy(() -> new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null))
                .isInstanceOf(InversionDivergedException.class)
                .hasMessageContaining("diverged at step").hasMessageContaining("length-").hasMessageContaining("first non-finite tensor: grad of embedding of <s");
    }

    @Test
    void sequentialModeStopsWhenTheCallbackSaysSo() {
        var cfg = InversionConfig.tiny().withMaxTokens(3).withBatch(3).withSteps(3);
        List<Integer> seen = new ArrayList<>();
        var r = new MultiTokenInversion(sd, cfg).runSequential(query.pixels(), m, null, (len, vectors, loss) -> {
            seen.add(len);
            assertThat(vectors.getShape()).isEqualTo(new Shape(len, 32));
            return len < 2;
        });
        assertThat(seen).containsExactly(1, 2);
        assertThat(r.embeddings().keySet()).containsExactly(1, 2);
        assertThat(r.losses()).hasSize(6);
    }

    @Test
    void initTokenMustBeOneToken() {
        var cfg = InversionConfig.tiny().withInitToken("qqzzxxv");
        assertThatThrownBy(() -> new MultiTokenInversion(sd, cfg).run(query.pixels(), m, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("single token");
    }

    // ---- helpers ----

    private static double loss(MultiTokenInversion inv, NDManager s, Scheduler sch, NDArray z, NDArray noise, long[] t, long[] ids,
                               long id1, NDArray v1, long id2, NDArray v2) {
        try (NDManager sub = s.newSubManager()) {
            NDArray n = noise.duplicate();
            n.attach(sub);
            return inv.sampleLosses(sub, sch, z, n, t, ids, Map.of(id1, v1, id2, v2)).sum().getFloat();
        }
    }

    private static NDArray add(NDArray v, float[] u, double h) {
        float[] x = v.toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] += (float) (h * u[i]);
        return v.getManager().create(x);
    }

    private static float[] initRow(String word) {
        int id = sd.tokenizer().encodeUnpadded(word)[1];
        return sd.textEncoder().parameters().get("text_model.embeddings.token_embedding.weight").get(id).toFloatArray();
    }

    private static Map<String, NDArray> allParameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        sd.textEncoder().parameters().forEach((k, v) -> p.put("text_encoder." + k, v));
        sd.unet().parameters().forEach((k, v) -> p.put("unet." + k, v));
        sd.vae().parameters().forEach((k, v) -> p.put("vae." + k, v));
        return p;
    }

    private static Map<String, float[]> snapshot() {
        Map<String, float[]> s = new LinkedHashMap<>();
        allParameters().forEach((k, v) -> s.put(k, v.toFloatArray()));
        return s;
    }

    private static long rssKbUnchecked() {
        try {
            return rssKb();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long rssKb() throws Exception {
        System.gc();
        Thread.sleep(50);
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static double mean(double[] x, int from, int to) {
        return Arrays.stream(x, from, to).average().orElseThrow();
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    private static float[] scale(float[] x, double f) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] * f);
        return y;
    }

    private static float[] unit(int n, int i) {
        float[] u = new float[n];
        u[i] = 1;
        return u;
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d += (double) a[i] * b[i];
        return d;
    }
}
