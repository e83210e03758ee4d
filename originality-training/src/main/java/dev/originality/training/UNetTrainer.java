package dev.originality.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.unet.UNet2DConditionModel;
import dev.originality.diffusion.models.unet.UNetConfig;
import dev.originality.diffusion.models.vae.AutoencoderKL;
import dev.originality.diffusion.schedulers.Scheduler;
import dev.originality.diffusion.schedulers.SchedulerConfig;
import dev.originality.diffusion.schedulers.Schedulers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stage 2: UNet and text encoder trained jointly from scratch with the DDPM noise-prediction loss
 * on latents of the frozen VAE, captions dropped to "" with probability captionDropout so that
 * classifier-free guidance and empty-prompt sampling work. EMA weights are what ships.
 */
public final class UNetTrainer {
    public static final String STAGE = "unet";
    static final String UNET = "unet.", TEXT = "text_encoder.";
    /** The progress stage of the one-off latent encoding before the first step. */
    public static final String LATENTS = "latents";

    private UNetTrainer() {}

    public record Result(double finalLoss, double seconds, int steps) {}

    public static Result train(ImageData data, TrainPreset p, long seed, Path vaeDir, Path modelDir, boolean resume,
                               Progress progress) throws IOException {
        Files.createDirectories(modelDir);
        TrainLog log = new TrainLog(modelDir);
        try (NDManager m = NDManager.newBaseManager(); AdamW adam = new AdamW(AdamW.Config.DEFAULT)) {
            AutoencoderKL vae = AutoencoderKL.load(vaeDir, m);
            if (vae.config().downscaleFactor() * p.latentSize() != p.imageSize()) {
                throw new IllegalArgumentException("the VAE in '" + vaeDir + "' has factor " + vae.config().downscaleFactor()
                        + ", preset '" + p.name() + "' needs " + p.imageSize() / p.latentSize());
            }
            String vaeSha = dev.originality.diffusion.io.Hashing.sha256(vaeDir.resolve("diffusion_pytorch_model.safetensors"));
            float[][] latents = Latents.cached(vae, vaeSha, data, Latents.cacheFile(modelDir), m,
                    n -> progress.step(LATENTS, n, data.count(), Double.NaN));             // N × [4·h·w], scaled
            TextStack text = TextStack.create(data.captions(), p, m, seed + 1);
            long[][] ids = new long[data.count()][];
            for (int i = 0; i < ids.length; i++) ids[i] = text.tokenizer().encode(data.caption(i));
            long[] emptyIds = text.tokenizer().encode("");
            UNetConfig uc = UNetConfig.of(p.unetChannels(), p.unetLayers(), p.unetHeads(), p.textHidden(), p.unetGroups(), p.latentSize());
            UNet2DConditionModel unet = UNet2DConditionModel.initialised(uc, m, seed + 2);
            SchedulerConfig sc = SchedulerConfig.fromJson(ModelFolder.schedulerConfig());
            Scheduler ddpm = Schedulers.named("ddpm", sc);
            float[] weight = lossWeights(ddpm.alphasCumprod(), p.snrGamma());

            Map<String, NDArray> params = new LinkedHashMap<>();
            unet.parameters().forEach((k, v) -> params.put(UNET + k, v));
            text.encoder().parameters().forEach((k, v) -> params.put(TEXT + k, v));
            int start = 0;
            Ema ema;
            if (resume && Checkpoint.exists(modelDir, STAGE)) {
                start = Resume.check(modelDir, STAGE, p, seed);
                try (NDManager tmp = NDManager.newBaseManager()) {
                    Checkpoint.copyInto(params, Checkpoint.tensors(modelDir, STAGE, "params", tmp), "params");
                    adam.restore(Checkpoint.tensors(modelDir, STAGE, "optimizer", tmp), start);
                    ema = new Ema(params, p.emaDecay());
                    ema.restore(Checkpoint.tensors(modelDir, STAGE, "ema", tmp), start);
                }
                log.truncate(STAGE, start);
            } else {
                log.truncate(STAGE, 0);    // a fresh run of this stage replaces its old rows
                ema = new Ema(params, p.emaDecay());
            }
            params.values().forEach(a -> a.setRequiresGradient(true));
            int side = p.latentSize(), len = p.textMaxLength(), plane = latents[0].length;
            long t0 = System.nanoTime();
            double loss = Double.NaN;
            try (ema) {
                for (int step = start; step < p.unetSteps(); step++) {
                    SplittableRandom r = Steps.rng(seed, STAGE, step);
                    int[] idx = Steps.batch(r, p.unetBatch(), data.count());
                    float[] z = new float[idx.length * plane];
                    long[] tok = new long[idx.length * len];
                    long[] t = new long[idx.length];
                    for (int b = 0; b < idx.length; b++) {
                        System.arraycopy(latents[idx[b]], 0, z, b * plane, plane);
                        boolean drop = r.nextDouble() < p.captionDropout();
                        System.arraycopy(drop ? emptyIds : ids[idx[b]], 0, tok, b * len, len);
                        t[b] = r.nextInt(sc.numTrainTimesteps());
                    }
                    double lr = TrainPreset.lrAt(p.unetLr(), step, p.warmupSteps());
                    try (NDManager s = m.newSubManager()) {
                        NDArray x0 = s.create(z, new Shape(idx.length, p.latentChannels(), side, side));   // [B, 4, h, w]
                        NDArray tt = s.create(t);                                                          // [B]
                        Steps.seedEngine(seed, STAGE, step);
                        NDArray noise = s.randomNormal(x0.getShape(), DataType.FLOAT32);
                        NDArray noisy = ddpm.addNoise(x0, noise, tt);
                        Map<String, NDArray> seen = new LinkedHashMap<>();
                        seen.put("batch latents", x0);
                        seen.put("noise", noise);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray ctx = text.encoder().forward(s.create(tok, new Shape(idx.length, len))).lastHiddenState();
                            NDArray pred = unet.forward(noisy, tt, ctx);
                            seen.put("text encoder output", ctx);
                            seen.put("unet prediction", pred);
                            NDArray l = weighted(pred.sub(noise).square(), t, weight, s);
                            gc.backward(l);
                            loss = l.getFloat();
                        }
                        NanGuard.check(STAGE, step, loss, modelDir, seen, params);
                        adam.step(params, lr);
                    }
                    ema.update(params);
                    log.add(STAGE, step + 1, loss, lr, (System.nanoTime() - t0) / 1e9);
                    progress.step(STAGE, step + 1, p.unetSteps(), loss);
                    if ((step + 1) % p.checkpointEvery() == 0 || step + 1 == p.unetSteps()) {
                        ObjectNode state = Resume.state(STAGE, step + 1, p, seed);
                        log.flush();                 // first: a kill between the two leaves rows the resume drops
                        Checkpoint.save(modelDir, STAGE, state, params, adam.state(), ema.weights());
                    }
                }
                writeModel(modelDir, vaeDir, uc, text, ema.weights());
            }
            return new Result(loss, (System.nanoTime() - t0) / 1e9, p.unetSteps() - start);
        }
    }

    /** Per-timestep weight of the noise-prediction loss: min(SNR, γ)/SNR with SNR = ᾱ/(1 − ᾱ); all 1 when γ = 0. */
    static float[] lossWeights(double[] alphasCumprod, double gamma) {
        float[] w = new float[alphasCumprod.length];
        for (int i = 0; i < w.length; i++) {
            double snr = alphasCumprod[i] / (1 - alphasCumprod[i]);
            w[i] = gamma > 0 ? (float) (Math.min(snr, gamma) / snr) : 1f;
        }
        return w;
    }

    /** Mean over the batch of each sample's mean squared error times its timestep's weight; plain MSE when all are 1. */
    private static NDArray weighted(NDArray sq, long[] t, float[] weight, NDManager s) {   // sq: [B, 4, h, w]
        float[] w = new float[t.length];
        boolean plain = true;
        for (int b = 0; b < t.length; b++) {
            w[b] = weight[(int) t[b]];
            plain &= w[b] == 1f;
        }
        if (plain) return sq.mean();
        return sq.reshape(t.length, -1).mean(new int[] {1}).mul(s.create(w)).mean();      // [B, 4·h·w] → [B] → scalar
    }

    /** The diffusers folder: EMA weights of UNet and text encoder, the tokenizer, scheduler, VAE and index. */
    static void writeModel(Path modelDir, Path vaeDir, UNetConfig uc, TextStack text, Map<String, NDArray> weights) throws IOException {
        Map<String, NDArray> u = new LinkedHashMap<>(), te = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            if (k.startsWith(UNET)) u.put(k.substring(UNET.length()), v);
            else te.put(k.substring(TEXT.length()), v);
        });
        ModelFolder.writeComponent(modelDir.resolve("unet"), uc.toJson(), u, "diffusion_pytorch_model.safetensors");
        ModelFolder.writeComponent(modelDir.resolve("text_encoder"), text.encoder().config().toJson(), te, "model.safetensors");
        Path tokDir = modelDir.resolve("tokenizer");
        dev.originality.shapes.OutputDir out = dev.originality.shapes.OutputDir.begin(tokDir, true);
        text.tokenizer().save(out.dir());
        out.commit();
        ModelFolder.writeScheduler(modelDir);
        if (!vaeDir.toAbsolutePath().normalize().equals(modelDir.resolve("vae").toAbsolutePath().normalize())) {
            copyDir(vaeDir, modelDir.resolve("vae"));
        }
        ModelFolder.writeModelIndex(modelDir);
    }

    private static void copyDir(Path from, Path to) throws IOException {
        dev.originality.shapes.OutputDir out = dev.originality.shapes.OutputDir.begin(to, true);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, out.dir().resolve(f.getFileName()));
        }
        out.commit();
    }
}
