package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.pipelines.GenerationRequest;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UNetTrainerTest {
    @TempDir static Path tmp;
    static ImageData data;
    static Path vae;
    static final TrainPreset TINY = TrainPreset.named("tiny");

    @BeforeAll
    static void stageOne() throws Exception {
        data = ImageData.load(TinyData.write(tmp.resolve("data"), 64, TINY.imageSize()));
        Path m = tmp.resolve("vae-model");
        VaeTrainer.train(data, TINY, 1, m, false, Progress.NONE);
        vae = m.resolve("vae");
    }

    @Test
    void lossFallsAndTheResultIsALoadableDiffusersFolder() throws Exception {
        Path model = tmp.resolve("full");
        UNetTrainer.train(data, TINY, 2, vae, model, false, Progress.NONE);
        List<String> rows = Files.readAllLines(model.resolve("train.csv")).stream().filter(l -> l.startsWith("unet,")).toList();
        assertThat(rows).hasSize(TINY.unetSteps());
        double first = mean(rows.subList(0, 10)), last = mean(rows.subList(rows.size() - 10, rows.size()));
        assertThat(last).as("unet loss %s → %s", first, last).isLessThan(first);
        for (String f : List.of("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
                "text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/vocab.json", "scheduler/scheduler_config.json")) {
            assertThat(model.resolve(f)).as(f).exists();
        }
        try (StableDiffusion sd = StableDiffusion.load(model); NDManager m = sd.manager().newSubManager()) {
            assertThat(sd.tokenizer().tokenize("big red full circle and big blue full square")).hasSize(9);
            TextToImage.Result r = TextToImage.run(sd, GenerationRequest.of("big red full circle", 1).withSteps(3), m, false, i -> { });
            assertThat(r.images().getShape().get(2)).isEqualTo(TINY.imageSize());
            for (float v : r.images().toFloatArray()) assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void resumeReachesTheUninterruptedWeights() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        UNetTrainer.train(data, TINY, 9, vae, a, false, Progress.NONE);
        TrainPreset half = withUnetSteps(TINY, TINY.checkpointEvery());
        UNetTrainer.train(data, half, 9, vae, b, false, Progress.NONE);
        UNetTrainer.train(data, TINY, 9, vae, b, true, Progress.NONE);    // resumed with more steps: the same run, extended
        for (String f : List.of("unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors")) {
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> wa = SafeTensors.load(a.resolve(f), m), wb = SafeTensors.load(b.resolve(f), m);
                assertThat(wb.keySet()).isEqualTo(wa.keySet());
                for (String k : wa.keySet()) assertThat(wb.get(k).toFloatArray()).as(f + " " + k).containsExactly(wa.get(k).toFloatArray());
            }
        }
    }

    /** Same seed, same batches and noise: only the loss weighting differs, so the logged losses differ where t is nearly clean. */
    @Test
    void minSnrWeightingTrainsAndChangesTheLoss() throws Exception {
        TrainPreset weighted = withSnrGamma(withUnetSteps(TINY, 10), 5.0);
        Path a = tmp.resolve("plain10"), b = tmp.resolve("snr10");
        UNetTrainer.train(data, withUnetSteps(TINY, 10), 4, vae, a, false, Progress.NONE);
        UNetTrainer.Result r = UNetTrainer.train(data, weighted, 4, vae, b, false, Progress.NONE);
        assertThat(r.finalLoss()).isFinite().isPositive();
        List<String> plain = Files.readAllLines(a.resolve("train.csv")), snr = Files.readAllLines(b.resolve("train.csv"));
        // Step 1 has the same weights in both runs, so any difference there is the weighting alone.
        assertThat(snr.get(1).split(",")[1]).isEqualTo("1");
        assertThat(Double.parseDouble(snr.get(1).split(",")[2])).as("first step's loss")
                .isLessThan(Double.parseDouble(plain.get(1).split(",")[2]));
    }

    @Test
    void latentCacheIsReusedOnlyForTheSameVaeAndData() throws Exception {
        Path cache = tmp.resolve("cache/latents.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            var v = dev.originality.diffusion.models.vae.AutoencoderKL.load(vae, m);
            float[][] fresh = Latents.encode(v, data, m);
            float[][] first = Latents.cached(v, "vae-a", data, cache, m, i -> { });
            assertThat(first).isDeepEqualTo(fresh);
            assertThat(SafeTensors.read(cache).metadata()).containsEntry("vae_sha256", "vae-a").containsEntry("data_sha256", data.fingerprint());
            int[] encoded = {0};
            float[][] again = Latents.cached(v, "vae-a", data, cache, m, i -> encoded[0] = i);
            assertThat(encoded[0]).as("read from the cache, not encoded").isZero();
            assertThat(again).isDeepEqualTo(fresh);
            Latents.cached(v, "vae-b", data, cache, m, i -> encoded[0] = i);
            assertThat(encoded[0]).as("another VAE: encoded again").isEqualTo(data.count());
        }
    }

    /** A VAE with one poisoned weight makes NaN latents: the run stops at its first step and names them, not just the loss. */
    @Test
    void divergenceNamesTheTensorThatWentBad() throws Exception {
        Path bad = tmp.resolve("bad-vae");
        Files.createDirectories(bad);
        Files.copy(vae.resolve("config.json"), bad.resolve("config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = new java.util.LinkedHashMap<>(SafeTensors.load(vae.resolve("diffusion_pytorch_model.safetensors"), m));
            NDArray conv = w.get("encoder.conv_in.weight");
            float[] v = conv.toFloatArray();
            v[0] = Float.NaN;
            w.put("encoder.conv_in.weight", m.create(v, conv.getShape()));
            SafeTensors.save(bad.resolve("diffusion_pytorch_model.safetensors"), w, Map.of());
        }
        Path model = tmp.resolve("diverged");
        assertThatThrownBy(() -> UNetTrainer.train(data, withUnetSteps(TINY, 3), 2, bad, model, false, Progress.NONE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unet training diverged at step 1: loss = NaN")
                .hasMessageContaining("first non-finite tensor: batch latents (")
                .hasMessageContaining("the last good checkpoint is in");
        assertThat(model.resolve("unet")).doesNotExist();
    }

    private static double mean(List<String> rows) {
        return rows.stream().mapToDouble(r -> Double.parseDouble(r.split(",")[2])).average().orElseThrow();
    }

    static TrainPreset withSnrGamma(TrainPreset p, double gamma) {
        return new TrainPreset(p.name(), p.imageSize(), p.vaeChannels(), p.vaeLayers(), p.vaeGroups(), p.latentChannels(),
                p.unetChannels(), p.unetLayers(), p.unetHeads(), p.unetGroups(), p.textHidden(), p.textLayers(), p.textHeads(),
                p.textMaxLength(), p.textVocab(), p.vaeSteps(), p.vaeBatch(), p.vaeLr(), p.klWeight(), p.unetSteps(), p.unetBatch(),
                p.unetLr(), p.captionDropout(), p.emaDecay(), gamma, p.warmupSteps(), p.checkpointEvery());
    }

    static TrainPreset withUnetSteps(TrainPreset p, int steps) {
        return ModelCard.override(p, false, true, steps, null, null);
    }

}
