package dev.originality.diffusion.schedulers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Scheduler construction: by config class (diffusers' from_pretrained) or by name over any config (from_config). */
public final class Schedulers {
    public static final List<String> NAMES = List.of("pndm", "ddim", "ddpm");

    private Schedulers() {}

    public static Scheduler named(String name, SchedulerConfig config) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pndm" -> new PndmScheduler(config.skipPrkSteps() ? config : withSkipPrk(config));
            case "ddim" -> new DdimScheduler(config, 0.0);
            case "ddpm" -> new DdpmScheduler(config);
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "': expected one of " + String.join(", ", NAMES));
        };
    }

    public static Scheduler fromConfig(SchedulerConfig config) {
        return switch (config.className()) {
            case "PNDMScheduler" -> named("pndm", config);
            case "DDIMScheduler" -> named("ddim", config);
            case "DDPMScheduler" -> named("ddpm", config);
            default -> throw new IllegalArgumentException("unsupported scheduler class '" + config.className()
                    + "': expected PNDMScheduler, DDIMScheduler or DDPMScheduler");
        };
    }

    public static Scheduler load(Path schedulerDir) throws IOException {
        return fromConfig(SchedulerConfig.read(schedulerDir.resolve("scheduler_config.json")));
    }

    /** PNDM from another class's config: PLMS only, as SD pipelines use it. */
    private static SchedulerConfig withSkipPrk(SchedulerConfig c) {
        return new SchedulerConfig(c.className(), c.numTrainTimesteps(), c.betaStart(), c.betaEnd(), c.betaSchedule(),
                c.predictionType(), c.stepsOffset(), c.setAlphaToOne(), true, c.clipSample(), c.clipSampleRange(),
                c.timestepSpacing(), c.varianceType());
    }
}
