package dev.originality.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.models.vae.AutoencoderKL;
import dev.originality.diffusion.models.vae.Posterior;
import dev.originality.diffusion.models.vae.VaeConfig;
import dev.originality.diffusion.nn.Ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stage 1: an AutoencoderKL trained on the dataset's images with the LDM objective reduced to
 * what these flat-colour images need: per-pixel L1 reconstruction plus a small KL term. At the
 * end its scaling_factor is set to 1/std of the latents, as SD's 0.18215 was, so that the UNet
 * sees unit-variance latents.
 */
public final class VaeTrainer {
    public static final String STAGE = "vae";

    private VaeTrainer() {}

    public record Result(double finalLoss, double seconds, double scalingFactor, int steps) {}

    public static Result train(ImageData data, TrainPreset p, long seed, Path modelDir, boolean resume, Progress progress)
            throws IOException {
        if (data.imageSize() != p.imageSize()) {
            throw new IllegalArgumentException("the dataset's images are " + data.imageSize() + " px but preset '" + p.name()
                    + "' trains on " + p.imageSize() + " px (make the dataset with --size " + p.imageSize() + ")");
        }
        VaeConfig config = VaeConfig.of(p.vaeChannels(), p.vaeLayers(), p.vaeGroups(), p.latentChannels(), p.imageSize());
        Files.createDirectories(modelDir);
        TrainLog log = new TrainLog(modelDir);
        try (NDManager m = NDManager.newBaseManager(); AdamW adam = new AdamW(AdamW.Config.DEFAULT)) {
            AutoencoderKL vae = AutoencoderKL.initialised(config, m, seed);
            Map<String, NDArray> params = vae.parameters();
            int start = 0;
            if (resume && Checkpoint.exists(modelDir, STAGE)) {
                start = Resume.check(modelDir, STAGE, p, seed);
                try (NDManager tmp = NDManager.newBaseManager()) {
                    Checkpoint.copyInto(params, Checkpoint.tensors(modelDir, STAGE, "params", tmp), "params");
                    adam.restore(Checkpoint.tensors(modelDir, STAGE, "optimizer", tmp), start);
                }
                log.truncate(STAGE, start);
            } else {
                log.truncate(STAGE, 0);    // a fresh run of this stage replaces its old rows
            }
            params.values().forEach(a -> a.setRequiresGradient(true));
            long t0 = System.nanoTime();
            double loss = Double.NaN;
            for (int step = start; step < p.vaeSteps(); step++) {
                SplittableRandom r = Steps.rng(seed, STAGE, step);
                double lr = TrainPreset.lrAt(p.vaeLr(), step, p.warmupSteps());
                try (NDManager s = m.newSubManager()) {
                    NDArray x = data.batch(s, Steps.batch(r, p.vaeBatch(), data.count()));     // [B, 3, H, W]
                    Steps.seedEngine(seed, STAGE, step);
                    Map<String, NDArray> seen = new LinkedHashMap<>();
                    seen.put("batch images", x);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        Posterior post = vae.encode(x);
                        seen.put("posterior mean", post.mean());
                        seen.put("posterior logvar", post.logvar());
                        NDArray noise = s.randomNormal(post.mean().getShape());                  // [B, 4, h, w]
                        NDArray rec = vae.decode(post.sample(noise));                            // [B, 3, H, W]
                        seen.put("reconstruction", rec);
                        NDArray l = rec.sub(x).abs().mean().add(kl(post).mul(Ops.constant(x, p.klWeight())));
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    NanGuard.check(STAGE, step, loss, modelDir, seen, params);
                    adam.step(params, lr);
                }
                log.add(STAGE, step + 1, loss, lr, (System.nanoTime() - t0) / 1e9);
                progress.step(STAGE, step + 1, p.vaeSteps(), loss);
                if ((step + 1) % p.checkpointEvery() == 0 || step + 1 == p.vaeSteps()) {
                    ObjectNode state = Resume.state(STAGE, step + 1, p, seed);
                    log.flush();                 // first: a kill between the two leaves rows the resume drops
                    Checkpoint.save(modelDir, STAGE, state, params, adam.state(), null);
                }
            }
            double sf = scalingFactor(vae, data, m);
            VaeConfig fitted = withScalingFactor(config, sf);
            ModelFolder.writeComponent(modelDir.resolve("vae"), fitted.toJson(), params,
                    "diffusion_pytorch_model.safetensors");
            return new Result(loss, (System.nanoTime() - t0) / 1e9, sf, p.vaeSteps() - start);
        }
    }

    /** KL(q(z|x) ‖ N(0, I)) per latent element: ½ mean(μ² + σ² − 1 − log σ²). */
    static NDArray kl(Posterior post) {
        NDArray mu = post.mean();
        return mu.square().add(post.std().square()).sub(Ops.constant(mu, 1)).sub(post.logvar()).mean()
                .mul(Ops.constant(mu, 0.5));
    }

    /** 1 / std of posterior samples of up to 512 images, as SD's scaling factor was chosen. */
    static double scalingFactor(AutoencoderKL vae, ImageData data, NDManager m) {
        int n = Math.min(512, data.count());
        double sum = 0, sumSq = 0;
        long count = 0;
        for (int start = 0; start < n; start += 64) {
            int[] idx = java.util.stream.IntStream.range(start, Math.min(n, start + 64)).toArray();
            try (NDManager s = m.newSubManager()) {
                Posterior post = vae.encode(data.batch(s, idx));
                Engine.getInstance().setRandomSeed(start);
                float[] z = post.sample(s.randomNormal(post.mean().getShape())).toFloatArray();
                for (float v : z) {
                    sum += v;
                    sumSq += (double) v * v;
                }
                count += z.length;
            }
        }
        double mean = sum / count, var = sumSq / count - mean * mean;
        return 1 / Math.sqrt(Math.max(var, 1e-12));
    }

    static VaeConfig withScalingFactor(VaeConfig c, double sf) {
        return new VaeConfig(c.inChannels(), c.outChannels(), c.downBlockTypes(), c.upBlockTypes(), c.blockOutChannels(),
                c.layersPerBlock(), c.latentChannels(), c.normNumGroups(), c.sampleSize(), sf, c.shiftFactor(),
                c.forceUpcast(), c.useQuantConv(), c.usePostQuantConv(), c.midBlockAddAttention());
    }

}
