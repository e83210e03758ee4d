package dev.originality.inversion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.originality.diffusion.models.text.ClipTextModel;
import dev.originality.diffusion.nn.NonFinite;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.schedulers.Scheduler;
import dev.originality.diffusion.schedulers.Schedulers;
import dev.originality.diffusion.tokenizer.ClipTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Multi-token textual inversion (paper §3.1, §4): for one query image and a frozen model, learns
 * for every length m in 1..K a sequence of m new token embeddings S*_m, all lengths in one batch.
 * Batch sample i belongs to length {@link InversionConfig#lengthOfSample}, and with restarts to one of that
 * length's independent chains ({@link InversionConfig#chainOfSample}); its prompt is a random template around its
 * chain's placeholder sequence. Loss: DDPM noise prediction,
 * mean over the batch of ‖ε − ε_θ(√ᾱ_t z + √(1−ᾱ_t) ε, t, c)‖² / dim, with z the query's
 * VAE posterior MEAN × scaling factor (encoded once: deterministic, and a trained VAE's posterior
 * std is negligible) and t uniform in [0, num_train_timesteps), stratified within each length and, with
 * {@link InversionConfig#timestepWindow}, across steps (see {@link #stratifiedTimesteps}). Only the placeholder vectors have
 * gradients; every model weight is left untouched.
 */
public final class MultiTokenInversion {
    /** After each step: the batch loss and each length's mean loss (index m − 1; NaN for lengths not trained). */
    public interface Listener {
        void onStep(int step, double loss, double[] lengthLoss);
    }

    /** Sequential mode: called after length m is learned; return false to stop before the next length. */
    public interface LengthCallback {
        boolean afterLength(int m, NDArray vectors /* [m, C] */, double finalLoss);
    }

    /**
     * @param chains     length m → every chain's vectors [m, C] in restart order (in the caller's manager; one chain without
     *                   restarts)
     * @param losses     batch loss per step
     * @param finalLoss  length m → its kept chain's own loss, averaged over the last tenth of the steps (one step is
     *                   too noisy when a length gets a few samples of the batch)
     * @param selection  length m → how its chains compared and which was kept (only lengths with restarts)
     */
    public record Result(Map<Integer, List<NDArray>> chains, double[] losses, Map<Integer, Double> finalLoss,
                         Map<Integer, Selection> selection) {
        /** Length m → the vectors [m, C] of its kept chain (the only one without restarts). */
        public Map<Integer, NDArray> embeddings() {
            Map<Integer, NDArray> kept = new LinkedHashMap<>();
            chains.forEach((m, all) -> kept.put(m, all.get(selection.containsKey(m) ? selection.get(m).kept() : 0)));
            return kept;
        }

        /** The share of the steps over which {@link #finalLoss} is averaged. */
        public static final double FINAL_SHARE = 0.1;
    }

    /**
     * With restarts: length m's chains and the one kept. evalLoss[r] is chain r's mean denoising loss on
     * {@link #EVAL_DRAWS} fixed draws (the same timesteps, noise and first template for every chain, so the
     * chains are compared on equal terms rather than on their last, noisy training samples).
     */
    public record Selection(double[] evalLoss, int kept) {}

    /** Fixed (t, noise) draws on which restarts are compared; t at the midpoints of equal strata of [0, T). */
    public static final int EVAL_DRAWS = 64;

    /** One independent run of a length: its own placeholder tokens (base name) and samples. id is 1-based. */
    record Chain(int id, int length, int restart, String base) {
        static Chain of(InversionConfig c, int id) {
            int m = c.lengthOfChain(id), r = c.restartOfChain(id);
            return new Chain(id, m, r, Placeholders.baseForChain(m, r));
        }

        List<String> tokens() {
            return Placeholders.tokens(base, length);
        }
    }

    private final StableDiffusion sd;
    private final InversionConfig config;
    private final int workers;

    /** With {@link #defaultWorkers()}. */
    public MultiTokenInversion(StableDiffusion sd, InversionConfig config) {
        this(sd, config, defaultWorkers());
    }

    /** The system property {@value #WORKERS_PROPERTY}, else 2 (see {@link ChainWorkers}: ~1.2x at batch 5 here, even at 20). */
    public static int defaultWorkers() {
        return Integer.getInteger(WORKERS_PROPERTY, 2);
    }

    public static final String WORKERS_PROPERTY = "originality.inversion.workers";

    /**
     * workers: on a CPU, threads that each run whole chains of the batch on one libtorch thread ({@link ChainWorkers});
     * 1 = the whole batch in one pass on libtorch's intra-op threads. Results agree to float rounding (the batch is
     * split differently); a given worker count reproduces itself exactly.
     */
    public MultiTokenInversion(StableDiffusion sd, InversionConfig config, int workers) {
        if (workers < 1) throw new IllegalArgumentException("inversion workers must be >= 1, found " + workers);
        this.sd = sd;
        this.config = config;
        this.workers = workers;
    }

    /** images: [1, 3, H, W] in [0, 1] at the model's resolution → scaled posterior-mean latents [1, 4, h, w], in m. */
    public NDArray encodeLatents(NDArray image, NDManager m) {
        int side = sd.imageSize();
        Shape expected = new Shape(1, 3, side, side);
        if (!image.getShape().equals(expected)) {
            throw new IllegalArgumentException("query image must have shape " + expected + " (the model's resolution), found "
                    + image.getShape());
        }
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.create(image.toFloatArray(), expected).mul(2f).sub(1f);                 // [1, 3, H, W] in [-1, 1]
            NDArray z = sd.vae().encode(x).mean().mul((float) sd.vae().scalingFactor());          // [1, 4, h, w]
            z.attach(m);
            return z;
        }
    }

    /** Learns lengths 1..K together (one batch per step). image: [1, 3, H, W] in [0, 1]. */
    public Result run(NDArray image, NDManager out, Listener listener) {
        Chain[] chainOfSample = new Chain[config.batch()];
        for (int i = 0; i < chainOfSample.length; i++) chainOfSample[i] = Chain.of(config, config.chainOfSample(i));
        try (NDManager work = out.newSubManager()) {
            NDArray z = encodeLatents(image, work);
            return train(z, chainOfSample, config.seed(), work, out, listener);
        }
    }

    /**
     * Learns one length at a time (m = 1, 2, …, K), each with the whole batch and all steps, and
     * stops early when the callback says so. Returns the lengths learned.
     */
    public Result runSequential(NDArray image, NDManager out, Listener listener, LengthCallback callback) {
        Map<Integer, Double> finalLoss = new LinkedHashMap<>();
        Map<Integer, Selection> selection = new LinkedHashMap<>();
        Map<Integer, List<NDArray>> chainVectors = new LinkedHashMap<>();
        List<Double> losses = new ArrayList<>();
        int chains = config.chainsPerLength();
        InversionConfig oneLength = config.withLengthSamples(List.of()).withMaxTokens(1);   // the whole batch over one length's chains
        try (NDManager work = out.newSubManager()) {
            NDArray z = encodeLatents(image, work);
            for (int m = 1; m <= config.maxTokens(); m++) {
                Chain[] chainOfSample = new Chain[config.batch()];
                for (int i = 0; i < chainOfSample.length; i++) chainOfSample[i] = Chain.of(config, (m - 1) * chains + oneLength.chainOfSample(i));
                long seed = config.seed() * 31 + m;                  // each length its own stream
                Result r = train(z, chainOfSample, seed, work, out, listener);
                finalLoss.putAll(r.finalLoss());
                selection.putAll(r.selection());
                chainVectors.putAll(r.chains());
                for (double l : r.losses()) losses.add(l);
                if (!callback.afterLength(m, r.embeddings().get(m), r.finalLoss().get(m))) break;
            }
        }
        return new Result(chainVectors, losses.stream().mapToDouble(Double::doubleValue).toArray(), finalLoss, selection);
    }

    /**
     * One timestep per sample, uniform in [0, trainSteps) for each sample, but the n samples of one chain (a length, without
     * restarts) split the range into n strata and draw one t from each, in random order: the same objective as
     * independent draws, with less variance, which matters when a length gets only 2-4 samples a step.
     */
    static long[] stratifiedTimesteps(SplittableRandom r, int[] chainOfSample, int trainSteps) {
        long[] t = new long[chainOfSample.length];
        for (List<Integer> idx : samplesByChain(chainOfSample).values()) {
            int n = idx.size();
            int[] strata = permutation(n, r);                  // which sample gets which stratum
            for (int j = 0; j < n; j++) t[idx.get(j)] = inStratum(strata[j], n, trainSteps, r);
        }
        return t;
    }

    /**
     * The same over a window of {@code window} steps: the n samples a chain gets per step, over the window's W steps,
     * take one t from each of n·W strata of [0, T), the strata dealt out in an order drawn once per window and chain
     * (from {@code seed}, the window's index and the chain id), the point within a stratum from the step's own draws
     * {@code r}. A step's draws still depend only on (seed, step). window ≤ 1 is the in-step version above, draw
     * for draw.
     */
    static long[] stratifiedTimesteps(SplittableRandom r, int[] chainOfSample, int trainSteps, long seed, int step, int window) {
        if (window <= 1) return stratifiedTimesteps(r, chainOfSample, trainSteps);
        long[] t = new long[chainOfSample.length];
        int w = step / window, at = step % window;
        for (Map.Entry<Integer, List<Integer>> e : samplesByChain(chainOfSample).entrySet()) {
            List<Integer> idx = e.getValue();
            int n = idx.size(), strataCount = n * window;
            int[] strata = permutation(strataCount, new SplittableRandom(mix(mix(seed ^ 0x3C6EF372FE94F82BL, w), e.getKey())));
            for (int j = 0; j < n; j++) t[idx.get(j)] = inStratum(strata[at * n + j], strataCount, trainSteps, r);
        }
        return t;
    }

    /** Chain id → its sample indices, chains in id order. */
    private static Map<Integer, List<Integer>> samplesByChain(int[] chainOfSample) {
        Map<Integer, List<Integer>> byChain = new TreeMap<>();
        for (int i = 0; i < chainOfSample.length; i++) byChain.computeIfAbsent(chainOfSample[i], k -> new ArrayList<>()).add(i);
        return byChain;
    }

    /** A random order of 0..n−1 (Fisher-Yates, n − 1 draws of r). */
    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int j = 0; j < n; j++) p[j] = j;
        for (int j = n - 1; j > 0; j--) {
            int k = r.nextInt(j + 1), x = p[j];
            p[j] = p[k];
            p[k] = x;
        }
        return p;
    }

    /** A uniform t in stratum s of `of` equal strata of [0, trainSteps). */
    private static long inStratum(int s, int of, int trainSteps, SplittableRandom r) {
        long lo = (long) s * trainSteps / of, hi = (long) (s + 1) * trainSteps / of;
        return hi > lo ? lo + r.nextLong(hi - lo) : lo;
    }

    private Result train(NDArray z, Chain[] chainOfSample, long seed, NDManager work, NDManager out, Listener listener) {
        int[] idOfSample = Arrays.stream(chainOfSample).mapToInt(Chain::id).toArray();
        int[] lengthOfSample = Arrays.stream(chainOfSample).mapToInt(Chain::length).toArray();
        Map<Integer, Chain> chains = new TreeMap<>();                                           // id → chain
        for (Chain c : chainOfSample) chains.putIfAbsent(c.id(), c);
        int[] lengths = Arrays.stream(lengthOfSample).distinct().sorted().toArray();
        List<String> tokens = new ArrayList<>();
        for (Chain c : chains.values()) tokens.addAll(c.tokens());
        ClipTokenizer tok = sd.tokenizer().withAddedTokens(tokens);
        boolean split = workers > 1 && !z.getDevice().isGpu() && config.microBatch() == 0 && chains.size() > 1;
        try (NDManager pm = NDManager.newBaseManager(z.getDevice());
             EmbeddingAdamW adam = new EmbeddingAdamW(config.weightDecay());
             Scheduler scheduler = Schedulers.named("ddpm", sd.schedulerConfig());
             ChainWorkers pool = split ? new ChainWorkers(idOfSample, workers) : null) {
            float[] init = initEmbedding(tok);                                                  // [C]
            Map<String, NDArray> vectors = new LinkedHashMap<>();                                // token → [C]
            for (int i = 0; i < tokens.size(); i++) {
                NDArray v = pm.create(startVector(init, seed, i));
                v.setRequiresGradient(true);
                vectors.put(tokens.get(i), v);
            }
            Batch batch = new Batch(tok, chainOfSample, config.templates());
            int trainSteps = (int) scheduler.config().numTrainTimesteps();
            Shape noiseShape = new Shape(chainOfSample.length, z.getShape().get(1), z.getShape().get(2), z.getShape().get(3));
            double[] losses = new double[config.steps()];
            int tailFrom = config.steps() - Math.max(1, (int) Math.round(config.steps() * Result.FINAL_SHARE));
            double[] tailSum = new double[Arrays.stream(idOfSample).max().orElse(0)];                // by chain id − 1
            for (int step = 0; step < config.steps(); step++) {
                SplittableRandom r = new SplittableRandom(mix(seed, step));
                long[] t = stratifiedTimesteps(r, idOfSample, trainSteps, seed, step, config.timestepWindow());
                long[] ids = batch.draw(r);
                double[] lengthLoss, chainLoss;
                try (NDManager s = work.newSubManager()) {
                    Engine.getInstance().setRandomSeed((int) mix(seed ^ 0x5DEECE66DL, step));
                    NDArray noise = s.randomNormal(noiseShape);                                   // [B, 4, h, w]
                    Map<Long, NDArray> injected = batch.injected(vectors);
                    float[] perSample = pool != null
                            ? pool.step(s, t.length, (m, g) -> groupLosses(m, g, scheduler, z, noise, t, ids, injected))
                            : onePassLosses(s, scheduler, z, noise, t, ids, injected);
                    lengthLoss = meanBy(perSample, lengthOfSample);
                    chainLoss = meanBy(perSample, idOfSample);
                    double total = 0;
                    for (float f : perSample) total += f;
                    losses[step] = total / perSample.length;
                    for (Chain c : chains.values()) {
                        if (!Double.isFinite(chainLoss[c.id() - 1])) {
                            Map<String, NDArray> seen = new LinkedHashMap<>();
                            seen.put("query latents", z);
                            seen.put("noise", noise);
                            for (String tk : c.tokens()) seen.put("embedding of " + tk, vectors.get(tk));
                            throw new InversionDivergedException(step, chainLoss[c.id() - 1], c.length(), NonFinite.first(seen).orElse(null));
                        }
                    }
                    adam.step(vectors, config.lrAt(step));
                }
                if (step >= tailFrom) for (Chain c : chains.values()) tailSum[c.id() - 1] += chainLoss[c.id() - 1];
                if (listener != null) listener.onStep(step, losses[step], lengthLoss);
            }
            if (pool != null) pool.close();                       // the process's threads back for the restarts' eval draws
            Map<Integer, Double> finalLoss = new LinkedHashMap<>();
            Map<Integer, Selection> selection = new LinkedHashMap<>();
            Map<Integer, List<NDArray>> chainVectors = new LinkedHashMap<>();
            for (int m : lengths) {
                List<Chain> ofM = chains.values().stream().filter(c -> c.length() == m).toList();
                Chain kept = ofM.get(0);
                if (ofM.size() > 1) {
                    double[] eval = evalLosses(z, ofM, tok, batch.injected(vectors), scheduler, seed, work);
                    int best = 0;
                    for (int i = 1; i < eval.length; i++) if (eval[i] < eval[best]) best = i;
                    kept = ofM.get(best);
                    selection.put(m, new Selection(eval, kept.restart()));
                }
                finalLoss.put(m, tailSum[kept.id() - 1] / (config.steps() - tailFrom));
                List<NDArray> all = new ArrayList<>();
                for (Chain c : ofM) all.add(stackedCopy(c, vectors, out));
                chainVectors.put(m, List.copyOf(all));
            }
            return new Result(chainVectors, losses, finalLoss, selection);
        }
    }

    /**
     * The step's per-sample losses [B] on the calling thread, with their backward pass: the whole batch at once, or in
     * micro-batches whose gradients add up to the batch mean's.
     */
    private float[] onePassLosses(NDManager s, Scheduler scheduler, NDArray z, NDArray noise, long[] t, long[] ids,
                                  Map<Long, NDArray> injected) {
        int b = t.length, pass = config.microBatch() > 0 ? Math.min(config.microBatch(), b) : b, len = ids.length / b;
        float[] perSample = new float[b];
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int from = 0; from < b; from += pass) {                                         // gradients add up over passes
                int to = Math.min(b, from + pass);
                try (NDManager c = s.newSubManager()) {
                    NDArray part = noise.get(from + ":" + to);                                       // [b', 4, h, w]
                    part.attach(c);
                    NDArray l = sampleLosses(c, scheduler, z, part,
                            Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(ids, from * len, to * len), injected); // [b']
                    gc.backward(pass == b ? l.mean() : l.sum().div(Ops.constant(l, b)));           // the batch mean, in parts
                    System.arraycopy(l.toFloatArray(), 0, perSample, from, to - from);
                }
            }
        }
        return perSample;
    }

    /** sampleLosses for the samples g of a step's draws (noise [B, 4, h, w], t [B], ids B × L), with only their own vectors. */
    private NDArray groupLosses(NDManager m, int[] g, Scheduler scheduler, NDArray z, NDArray noise, long[] t, long[] ids,
                                Map<Long, NDArray> injected) {
        int len = ids.length / t.length;
        NDList rows = new NDList();
        long[] tg = new long[g.length], idsg = new long[g.length * len];
        for (int j = 0; j < g.length; j++) {
            rows.add(noise.get(g[j] + ":" + (g[j] + 1)));
            tg[j] = t[g[j]];
            System.arraycopy(ids, g[j] * len, idsg, j * len, len);
        }
        NDArray part = NDArrays.concat(rows);                                                     // [b', 4, h, w]
        part.attach(m);
        Map<Long, NDArray> own = new HashMap<>();                  // the group's vectors only: no graph shared across threads
        for (long id : idsg) if (injected.containsKey(id)) own.put(id, injected.get(id));
        return sampleLosses(m, scheduler, z, part, tg, idsg, own);
    }

    /**
     * Each chain's mean denoising loss on the same {@link #EVAL_DRAWS} draws: t at stratum midpoints, one fixed noise
     * per draw, the first template around the chain's sequence. No gradients.
     */
    private double[] evalLosses(NDArray z, List<Chain> chains, ClipTokenizer tok, Map<Long, NDArray> injected, Scheduler scheduler,
                                long seed, NDManager work) {
        int trainSteps = (int) scheduler.config().numTrainTimesteps(), e = EVAL_DRAWS;
        int pass = config.microBatch() > 0 ? Math.min(config.microBatch(), e) : e;
        long[] t = new long[e];
        for (int i = 0; i < e; i++) t[i] = (long) ((i + 0.5) * trainSteps / e);
        double[] eval = new double[chains.size()];
        try (NDManager s = work.newSubManager()) {
            Engine.getInstance().setRandomSeed((int) mix(seed ^ 0x2545F4914F6CDD1DL, -1));
            NDArray noise = s.randomNormal(new Shape(e, z.getShape().get(1), z.getShape().get(2), z.getShape().get(3))); // [E, 4, h, w]
            for (int k = 0; k < chains.size(); k++) {
                Chain c = chains.get(k);
                long[] one = tok.encode(Templates.fill(config.templates().get(0), Placeholders.sequence(c.base(), c.length())));
                double sum = 0;
                for (int from = 0; from < e; from += pass) {
                    int to = Math.min(e, from + pass);
                    long[] ids = new long[one.length * (to - from)];
                    for (int i = 0; i < to - from; i++) System.arraycopy(one, 0, ids, i * one.length, one.length);
                    try (NDManager c2 = s.newSubManager()) {
                        NDArray part = noise.get(from + ":" + to);
                        part.attach(c2);
                        for (float f : sampleLosses(c2, scheduler, z, part, Arrays.copyOfRange(t, from, to), ids, injected).toFloatArray()) sum += f;
                    }
                }
                eval[k] = sum / e;
            }
        }
        return eval;
    }

    /**
     * Per-sample DDPM losses [B] (mean squared error over C, h, w) for fixed draws — the whole
     * differentiable path, also used by the gradient check. z: [1, 4, h, w]; noise: [B, 4, h, w]
     * (its manager owns every result); ids: B × L token ids, row-major; injected: token id → [C].
     */
    NDArray sampleLosses(NDManager s, Scheduler scheduler, NDArray z, NDArray noise, long[] timesteps, long[] ids,
                         Map<Long, NDArray> injected) {
        int b = timesteps.length;
        NDArray tt = s.create(timesteps);                                                         // [B]
        NDArray x0 = noise.zerosLike().add(z);                                                    // [B, 4, h, w]
        NDArray noisy = scheduler.addNoise(x0, noise, tt);
        NDArray idArray = s.create(ids, new Shape(b, ids.length / b));                            // [B, L]
        ClipTextModel te = sd.textEncoder();
        NDArray context = te.forwardEmbeddings(te.embed(idArray, injected), idArray).lastHiddenState(); // [B, L, C]
        NDArray eps = sd.unet().forward(noisy, tt, context);                                     // [B, 4, h, w]
        NDArray d = eps.sub(noise);
        return d.mul(d).reshape(new Shape(b, -1)).mean(new int[] {1});            // libtorch via DJL: one axis only
    }

    /** A chain's vectors stacked into a copy in out: [m, C]. */
    private static NDArray stackedCopy(Chain c, Map<String, NDArray> vectors, NDManager out) {
        NDList rows = new NDList();
        for (String t : c.tokens()) rows.add(vectors.get(t));
        try (NDArray stacked = NDArrays.stack(rows)) {                                         // [m, C]
            return out.create(stacked.toFloatArray(), stacked.getShape());
        }
    }

    /**
     * Start of the batch's i-th placeholder vector: the init word's embedding, plus with {@link InversionConfig#initNoise}
     * σ · rms(init) · N(0, 1) per coordinate from (seed, i) — Java's generator, so the start is the same on any device.
     */
    float[] startVector(float[] init, long seed, int i) {
        float[] v = init.clone();
        if (config.initNoise() == 0) return v;
        double sq = 0;
        for (float x : init) sq += (double) x * x;
        double scale = config.initNoise() * Math.sqrt(sq / init.length);
        java.util.Random r = new java.util.Random(mix(seed ^ 0x7F4A7C159E3779B9L, i));
        for (int j = 0; j < v.length; j++) v[j] += (float) (scale * r.nextGaussian());
        return v;
    }

    /** The init word's row of the frozen token table: [C]. */
    private float[] initEmbedding(ClipTokenizer tok) {
        int[] ids = tok.encodeUnpadded(config.initToken());
        if (ids.length != 3) {
            throw new IllegalArgumentException("init token '" + config.initToken() + "' must be a single token of the model's "
                    + "tokenizer, found " + (ids.length - 2) + " tokens");
        }
        NDArray table = sd.textEncoder().parameters().get("text_model.embeddings.token_embedding.weight"); // [V, C]
        try (NDArray row = table.get(ids[1])) {
            return row.toFloatArray();
        }
    }

    /** Mean of perSample over the samples of each key 1..max (index key − 1; NaN for keys without samples). */
    private static double[] meanBy(float[] perSample, int[] keyOfSample) {
        int k = Arrays.stream(keyOfSample).max().orElse(0);
        double[] sum = new double[k];
        int[] n = new int[k];
        for (int i = 0; i < perSample.length; i++) {
            sum[keyOfSample[i] - 1] += perSample[i];
            n[keyOfSample[i] - 1]++;
        }
        for (int m = 0; m < k; m++) sum[m] = n[m] == 0 ? Double.NaN : sum[m] / n[m];
        return sum;
    }

    /** SplitMix64 of (seed, step): draws of a step depend on nothing else. */
    static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + (step + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Prompt drawing for a batch: each sample a random template around its length's sequence. */
    static final class Batch {
        private final ClipTokenizer tok;
        private final Chain[] chainOfSample;
        private final List<String> templates;
        private final Map<String, long[]> cache = new HashMap<>();

        Batch(ClipTokenizer tok, Chain[] chainOfSample, List<String> templates) {
            this.tok = tok;
            this.chainOfSample = chainOfSample;
            this.templates = templates;
            for (Chain c : Arrays.stream(chainOfSample).distinct().toList()) checkSequence(c);
        }

        /** Token ids B × L (row-major) of one random prompt per sample. */
        long[] draw(SplittableRandom r) {
            int len = tok.maxLength();
            long[] ids = new long[chainOfSample.length * len];
            for (int i = 0; i < chainOfSample.length; i++) {
                String prompt = prompt(templates.get(r.nextInt(templates.size())), chainOfSample[i]);
                System.arraycopy(cache.computeIfAbsent(prompt, tok::encode), 0, ids, i * len, len);
            }
            return ids;
        }

        String prompt(String template, Chain c) {
            return Templates.fill(template, Placeholders.sequence(c.base(), c.length()));
        }

        /** Token id → vector, for ClipTextModel.embed. */
        Map<Long, NDArray> injected(Map<String, NDArray> vectors) {
            Map<Long, NDArray> byId = new HashMap<>();
            vectors.forEach((t, v) -> byId.put((long) tok.tokenId(t), v));
            return byId;
        }

        /** The sequence alone must tokenize to exactly its placeholder ids (no BPE split of a placeholder). */
        private void checkSequence(Chain c) {
            int m = c.length();
            int[] ids = tok.encodeUnpadded(Placeholders.sequence(c.base(), m));
            List<String> names = c.tokens();
            boolean ok = ids.length == m + 2;
            for (int i = 0; ok && i < m; i++) ok = ids[i + 1] == tok.tokenId(names.get(i));
            if (!ok) {
                throw new IllegalStateException("placeholder sequence " + names + " tokenized to " + Arrays.toString(ids)
                        + ", expected bos, one id per placeholder, eos");
            }
        }
    }
}
