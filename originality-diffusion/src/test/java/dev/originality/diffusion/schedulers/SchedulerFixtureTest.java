package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every step of diffusers' DDPM, DDIM and PNDM on the recorded inputs (sd-tiny fixtures). */
class SchedulerFixtureTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/sd-tiny");

    @ParameterizedTest
    @ValueSource(strings = {"ddpm", "ddim", "pndm"})
    void matchesDiffusersStepForStep(String name) throws Exception {
        JsonNode entry = new ObjectMapper().readTree(FIX.resolve("index.json").toFile()).path("files").path("sched_" + name + ".safetensors");
        SchedulerConfig config = SchedulerConfig.fromJson(entry.path("config"));
        try (NDManager m = NDManager.newBaseManager(); Scheduler s = Schedulers.named(name, config)) {
            Map<String, NDArray> f = SafeTensors.load(FIX.resolve("sched_" + name + ".safetensors"), m);
            double[] acp = s.alphasCumprod();
            float[] want = f.get("alphas_cumprod").toFloatArray();
            for (int i = 0; i < want.length; i++) assertThat(Math.abs(acp[i] - want[i])).as("alphas_cumprod[%d]", i).isLessThan(1e-6);

            s.setTimesteps(entry.path("num_inference_steps").asInt());
            long[] ts = s.timesteps();
            assertThat(ts).hasSize(entry.path("timesteps").size());
            for (int i = 0; i < ts.length; i++) assertThat(ts[i]).isEqualTo(entry.path("timesteps").get(i).asLong());

            NDArray sample = f.get("initial_sample");
            double worst = 0;
            for (int i = 0; i < ts.length; i++) {
                NDArray noise = f.get("step" + i + ".variance_noise");
                NDArray prev = s.step(f.get("step" + i + ".model_output"), ts[i], sample, noise);
                double d = prev.sub(f.get("step" + i + ".prev_sample")).abs().max().getFloat();
                worst = Math.max(worst, d);
                assertThat(d).as("%s step %d (t=%d) max|diff|", name, i, ts[i]).isLessThanOrEqualTo(1e-5);
                sample = f.get("step" + i + ".prev_sample");   // each step on diffusers' own input (chaining is the pipeline test's job)
            }
            double noised = s.addNoise(f.get("add_noise.original"), f.get("add_noise.noise"), f.get("add_noise.timesteps"))
                    .sub(f.get("add_noise.out")).abs().max().getFloat();
            assertThat(noised).isLessThanOrEqualTo(1e-5);
            System.out.printf("%s: %d steps, worst prev_sample max|diff| %.2e, add_noise %.2e%n", name, ts.length, worst, noised);
        }
    }
}
