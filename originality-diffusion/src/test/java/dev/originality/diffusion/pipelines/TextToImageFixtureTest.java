package dev.originality.diffusion.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.SafeTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** diffusers' StableDiffusionPipeline, guidance 7.5, 5 steps, from the recorded initial latents. */
class TextToImageFixtureTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/sd-tiny");
    static StableDiffusion sd;

    @BeforeAll
    static void load() throws Exception {
        sd = StableDiffusion.load(FIX.resolve("pipeline"));
    }

    @AfterAll
    static void close() {
        sd.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pndm", "ddim"})
    void everyStepMatchesDiffusers(String scheduler) throws Exception {
        String file = "pipeline_" + scheduler + "_io.safetensors";
        JsonNode e = new ObjectMapper().readTree(FIX.resolve("index.json").toFile()).path("files").path(file);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = SafeTensors.load(FIX.resolve(file), m);
            GenerationRequest r = GenerationRequest.of(e.path("prompt").asText(), 0)
                    .withNegativePrompt(e.path("negative_prompt").asText())
                    .withSteps(e.path("num_inference_steps").asInt()).withGuidance(e.path("guidance_scale").asDouble())
                    .withScheduler(scheduler).withLatents(f.get("initial_latents"));
            TextToImage.Result res = TextToImage.run(sd, r, m, true, i -> { });
            assertThat(res.timesteps()).hasSize(e.path("timesteps").size());
            for (int i = 0; i < res.timesteps().length; i++) assertThat(res.timesteps()[i]).isEqualTo(e.path("timesteps").get(i).asLong());
            for (int i = 0; i < res.stepLatents().size(); i++) {
                NDArray want = f.get("step" + i + ".latents");
                double rel = res.stepLatents().get(i).sub(want).abs().max().getFloat() / Math.max(1e-6, want.abs().max().getFloat());
                System.out.printf("%s step %d: relative max|diff| %.2e%n", scheduler, i, rel);
                assertThat(rel).as("%s step %d", scheduler, i).isLessThanOrEqualTo(1e-3);
            }
            NDArray image = res.images().transpose(0, 2, 3, 1);                 // NHWC, as output_type=np
            double d = image.sub(f.get("image")).abs().max().getFloat();
            System.out.printf("%s image max|diff| %.2e%n", scheduler, d);
            assertThat(d).isLessThanOrEqualTo(1e-3);
        }
    }
}
