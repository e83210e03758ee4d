package dev.originality.diffusion.pipelines;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.schedulers.Scheduler;
import dev.originality.diffusion.schedulers.Schedulers;
import dev.originality.diffusion.tokenizer.ClipTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Text-to-image with classifier-free guidance, step for step as diffusers' StableDiffusionPipeline:
 * encode prompt and negative prompt, start from noise × init_noise_sigma, at each timestep run
 * the UNet on [uncond; cond], mix ε = ε_u + g (ε_c − ε_u), let the scheduler step, then decode
 * latents / scaling_factor with the VAE and map [-1, 1] to [0, 1]. Inference only.
 */
public final class TextToImage {
    /** @param images [N, 3, H, W] in [0, 1]; stepLatents: the latents after every step, when recorded. */
    public record Result(NDArray latents, NDArray images, List<NDArray> stepLatents, long[] timesteps) {}

    private TextToImage() {}

    public static Result run(StableDiffusion sd, GenerationRequest r, NDManager out, boolean recordSteps, IntConsumer progress) {
        int n = r.numImages();
        try (NDManager work = out.newSubManager()) {
            NDArray cond = encodePrompt(sd, r.prompt(), r.injected(), n, work);                     // [N, L, C]
            NDArray uncond = r.guided() ? encodePrompt(sd, r.negativePrompt(), r.injected(), n, work) : null;
            NDArray latents = initialLatents(sd, r, work);                                         // [N, 4, h, w]
            return denoise(sd, cond, uncond, latents, new Sampling(r.steps(), r.guidanceScale(), r.scheduler(), r.seed()),
                    out, recordSteps, progress);
        }
    }

    /**
     * How the latents are denoised: steps, guidance, scheduler and the seed of the scheduler's
     * per-step noise (used only by stochastic schedulers such as DDPM).
     */
    public record Sampling(int steps, double guidanceScale, String scheduler, long seed) {
        public boolean guided() {
            return guidanceScale > 1.0;
        }
    }

    /**
     * The denoising loop on given text contexts: cond and uncond [N, L, C] (uncond may be null when
     * unguided), start noise [N, 4, h, w] (unit variance; scaled here by init_noise_sigma). Lets a
     * caller batch different prompts, e.g. every token length of an inversion, into one run.
     */
    public static Result denoise(StableDiffusion sd, NDArray cond, NDArray uncond, NDArray noise, Sampling p, NDManager out,
                                 boolean recordSteps, IntConsumer progress) {
        if (p.guided() && uncond == null) throw new IllegalArgumentException("guided sampling needs an unconditional context");
        try (Scheduler scheduler = Schedulers.named(p.scheduler(), sd.schedulerConfig()); NDManager work = out.newSubManager()) {
            scheduler.setTimesteps(p.steps());
            long[] timesteps = scheduler.timesteps();
            NDArray context = p.guided() ? NDArrays.concat(new NDList(uncond, cond)) : cond;      // [2N or N, L, C]
            NDArray latents = noise.mul((float) scheduler.initNoiseSigma());                       // [N, 4, h, w]
            List<NDArray> steps = new ArrayList<>();
            for (int i = 0; i < timesteps.length; i++) {
                long t = timesteps[i];
                try (NDManager step = work.newSubManager()) {
                    // An op's result joins its first operand's manager: with the inputs in this step's manager,
                    // every activation of the UNet pass is freed when the step ends, not when the loop does.
                    NDArray in = p.guided() ? NDArrays.concat(new NDList(latents, latents)) : latents.duplicate();
                    in.attach(step);
                    NDArray ctx = context.duplicate();
                    ctx.attach(step);
                    NDArray tt = step.full(new Shape(in.getShape().get(0)), t, DataType.INT64);
                    NDArray eps = sd.unet().forward(in, tt, ctx);                              // [2N or N, 4, h, w]
                    if (p.guided()) {
                        NDList parts = eps.split(2, 0);
                        eps = parts.get(0).add(parts.get(1).sub(parts.get(0)).mul((float) p.guidanceScale()));
                    }
                    NDArray stepNoise = null;
                    if (scheduler.needsNoise()) {
                        Engine.getInstance().setRandomSeed(seedFor(p.seed(), i + 1));
                        stepNoise = step.randomNormal(latents.getShape());
                    }
                    NDArray next = scheduler.step(eps, t, latents, stepNoise);
                    next.attach(work);
                    latents = next;
                    if (recordSteps) {
                        NDArray copy = latents.duplicate();
                        copy.attach(out);
                        steps.add(copy);
                    }
                }
                progress.accept(i + 1);
            }
            NDArray images = decode(sd, latents);
            latents.attach(out);
            images.attach(out);
            return new Result(latents, images, steps, timesteps);
        }
    }

    /**
     * One image per row: row r from the text context cond.get(r) [1, L, C] and the start noise of
     * seeds[r], guided (when p is) against the empty prompt, denoised at most maxBatch rows at a
     * time; a row's image depends only on its context and seed. progress: denoising steps done in all.
     */
    public static List<java.awt.image.BufferedImage> drawRows(StableDiffusion sd, List<NDArray> cond, long[] seeds, Sampling p,
                                                              int maxBatch, IntConsumer progress) {
        if (cond.size() != seeds.length) throw new IllegalArgumentException(cond.size() + " contexts but " + seeds.length + " seeds");
        List<java.awt.image.BufferedImage> out = new ArrayList<>(seeds.length);
        try (NDManager work = NDManager.newBaseManager(sd.manager().getDevice())) {
            NDArray uncond = encodePrompt(sd, "", Map.of(), 1, work);                                 // [1, L, C]
            for (int from = 0, done = 0; from < seeds.length; from += maxBatch, done += p.steps()) {
                int to = Math.min(seeds.length, from + maxBatch), base = done;
                try (NDManager chunk = work.newSubManager()) {
                    NDList c = new NDList(), u = new NDList(), z = new NDList();
                    for (int r = from; r < to; r++) {
                        c.add(cond.get(r));
                        u.add(uncond);
                        z.add(startNoise(sd, seeds[r], 1, chunk));                                     // [1, 4, h, w]
                    }
                    Result res = denoise(sd, NDArrays.concat(c), NDArrays.concat(u), NDArrays.concat(z), p, chunk, false,
                            i -> progress.accept(base + i));
                    for (int r = from; r < to; r++) out.add(dev.originality.diffusion.io.PngImages.toImage(res.images().get(r - from)));
                }
            }
        }
        return out;
    }

    /** Unit-variance start noise [n, 4, h, w] for the model, drawn from a request seed exactly as {@link #run} draws it. */
    public static NDArray startNoise(StableDiffusion sd, long seed, int n, NDManager m) {
        int side = sd.unet().config().sampleSize();
        Engine.getInstance().setRandomSeed(seedFor(seed, 0));
        return m.randomNormal(new Shape(n, sd.unet().config().inChannels(), side, side));
    }

    /** [N, 3, H, W] in [0, 1] from latents [N, 4, h, w]. */
    public static NDArray decode(StableDiffusion sd, NDArray latents) {
        NDArray x = sd.vae().decode(latents.div((float) sd.vae().scalingFactor()));
        return x.div(2f).add(0.5f).clip(0f, 1f);
    }

    /** Prompt → CLIP last hidden state [n, L, C], with placeholder tokens mapped to their injected vectors. */
    public static NDArray encodePrompt(StableDiffusion sd, String prompt, Map<String, NDArray> injected, int n, NDManager m) {
        ClipTokenizer tok = injected.isEmpty() ? sd.tokenizer() : sd.tokenizer().withAddedTokens(List.copyOf(new java.util.TreeMap<>(injected).keySet()));
        Map<Long, NDArray> byId = new HashMap<>();
        List<String> added = tok.addedTokens();
        for (int i = 0; i < added.size(); i++) byId.put((long) tok.addedTokenIds().get(i), injected.get(added.get(i)));
        long[] ids = tok.encode(prompt);
        long[] batch = new long[ids.length * n];
        for (int b = 0; b < n; b++) System.arraycopy(ids, 0, batch, b * ids.length, ids.length);
        NDArray idArray = m.create(batch, new Shape(n, ids.length));
        var te = sd.textEncoder();
        return byId.isEmpty() ? te.forward(idArray).lastHiddenState()
                : te.forwardEmbeddings(te.embed(idArray, byId), idArray).lastHiddenState();
    }

    private static NDArray initialLatents(StableDiffusion sd, GenerationRequest r, NDManager m) {
        int side = sd.unet().config().sampleSize();
        Shape shape = new Shape(r.numImages(), sd.unet().config().inChannels(), side, side);
        if (r.initialLatents() != null) {
            if (!r.initialLatents().getShape().equals(shape)) {
                throw new IllegalArgumentException("initial latents must have shape " + shape + ", found " + r.initialLatents().getShape());
            }
            return r.initialLatents().toType(DataType.FLOAT32, true);
        }
        return startNoise(sd, r.seed(), r.numImages(), m);
    }

    /** libtorch's generator seed for one use (0: initial noise, i: step i's noise) of a request seed. */
    static int seedFor(long seed, int use) {
        long z = seed * 0x9E3779B97F4A7C15L + use * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 32));
    }
}
