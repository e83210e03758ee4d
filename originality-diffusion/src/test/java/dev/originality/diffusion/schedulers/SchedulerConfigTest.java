package dev.originality.diffusion.schedulers;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerConfigTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsEveryFixtureConfig() throws Exception {
        for (String f : new String[] {"sd-tiny/pipeline/scheduler/scheduler_config.json", "sd-tiny-f16/scheduler/scheduler_config.json",
                "sd-tiny-f16/schedulers/ddim/scheduler_config.json", "sd-tiny-f16/schedulers/ddpm/scheduler_config.json",
                "sd-tiny-f16/schedulers/pndm/scheduler_config.json"}) {
            Path p = Path.of("src/test/resources/fixtures").resolve(f);
            if (!Files.exists(p)) continue;
            try (Scheduler s = Schedulers.fromConfig(SchedulerConfig.read(p))) {
                s.setTimesteps(10);
                assertThat(s.timesteps()).isNotEmpty();
            }
        }
        SchedulerConfig sd = SchedulerConfig.read(Path.of("src/test/resources/fixtures/sd-tiny/pipeline/scheduler/scheduler_config.json"));
        assertThat(sd.betaSchedule()).isEqualTo("scaled_linear");
        assertThat(sd.stepsOffset()).isEqualTo(1);
    }

    @Test
    void spacingsFollowDiffusers() {
        for (String[] c : new String[][] {{"leading", "[901, 801, 701, 601, 501, 401, 301, 201, 101, 1]"},
                {"linspace", "[999, 888, 777, 666, 555, 444, 333, 222, 111, 0]"},
                {"trailing", "[999, 899, 799, 699, 599, 499, 399, 299, 199, 99]"}}) {
            SchedulerConfig cfg = SchedulerConfig.fromJson(JSON.createObjectNode().put("timestep_spacing", c[0]).put("steps_offset", 1)
                    .put("beta_schedule", "scaled_linear").put("beta_start", 0.00085).put("beta_end", 0.012));
            Scheduler s = Schedulers.named("ddim", cfg);
            s.setTimesteps(10);
            assertThat(java.util.Arrays.toString(s.timesteps())).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void badValuesSayWhatIsExpected() {
        assertThatThrownBy(() -> SchedulerConfig.fromJson(JSON.createObjectNode().put("beta_schedule", "cosine")))
                .hasMessageContaining("beta_schedule 'cosine' is not supported: expected one of linear, scaled_linear, squaredcos_cap_v2");
        assertThatThrownBy(() -> SchedulerConfig.fromJson(JSON.createObjectNode().put("num_train_timesteps", "many")))
                .hasMessageContaining("num_train_timesteps must be an integer");
        assertThatThrownBy(() -> Schedulers.named("euler", SchedulerConfig.SD_V1))
                .hasMessage("unknown scheduler 'euler': expected one of pndm, ddim, ddpm");
        assertThatThrownBy(() -> Schedulers.named("ddim", SchedulerConfig.SD_V1).step(null, 1, null, null))
                .isInstanceOf(IllegalStateException.class);
    }
}
