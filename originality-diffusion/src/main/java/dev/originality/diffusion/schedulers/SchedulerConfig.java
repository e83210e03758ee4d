package dev.originality.diffusion.schedulers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.BoundedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A diffusers scheduler_config.json. Fields a file leaves out take diffusers' defaults.
 */
public record SchedulerConfig(String className, int numTrainTimesteps, double betaStart, double betaEnd,
                              String betaSchedule, String predictionType, int stepsOffset, boolean setAlphaToOne,
                              boolean skipPrkSteps, Boolean clipSample, double clipSampleRange, String timestepSpacing,
                              String varianceType) {
    public static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");
    public static final List<String> PREDICTION_TYPES = List.of("epsilon", "v_prediction", "sample");
    public static final List<String> SPACINGS = List.of("leading", "linspace", "trailing");
    private static final ObjectMapper JSON = new ObjectMapper();

    public SchedulerConfig {
        if (numTrainTimesteps < 1 || numTrainTimesteps > 100_000) {
            throw new IllegalArgumentException("num_train_timesteps must be in 1..100000, found " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaEnd > 0 && betaStart < 1 && betaEnd < 1)) {
            throw new IllegalArgumentException("beta_start and beta_end must be in (0, 1), found " + betaStart + " and " + betaEnd);
        }
        oneOf("beta_schedule", betaSchedule, BETA_SCHEDULES);
        oneOf("prediction_type", predictionType, PREDICTION_TYPES);
        oneOf("timestep_spacing", timestepSpacing, SPACINGS);
        oneOf("variance_type", varianceType, List.of("fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log"));
        if (stepsOffset < 0) throw new IllegalArgumentException("steps_offset must be >= 0, found " + stepsOffset);
    }

    private static void oneOf(String field, String value, List<String> valid) {
        if (!valid.contains(value)) {
            throw new IllegalArgumentException(field + " '" + value + "' is not supported: expected one of " + String.join(", ", valid));
        }
    }

    /** SD v1's schedule: scaled_linear 0.00085..0.012 over 1000 steps, PNDM with skip_prk_steps. */
    public static final SchedulerConfig SD_V1 = new SchedulerConfig("PNDMScheduler", 1000, 0.00085, 0.012, "scaled_linear",
            "epsilon", 1, false, true, null, 1.0, "leading", "fixed_small");

    public static SchedulerConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("scheduler config '" + file + "' does not exist");
        JsonNode n;
        try {
            n = JSON.readTree(BoundedFiles.readUtf8(file, BoundedFiles.MAX_CONFIG_BYTES, "scheduler config"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("scheduler config '" + file + "' is not valid JSON");
        }
        try {
            return fromJson(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheduler config '" + file + "': " + e.getMessage());
        }
    }

    public static SchedulerConfig fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object");
        if (n.hasNonNull("trained_betas")) throw new IllegalArgumentException("trained_betas are not supported");
        return new SchedulerConfig(
                n.path("_class_name").asText(""),
                integer(n, "num_train_timesteps", 1000),
                number(n, "beta_start", 0.0001),
                number(n, "beta_end", 0.02),
                text(n, "beta_schedule", "linear"),
                text(n, "prediction_type", "epsilon"),
                integer(n, "steps_offset", 0),
                bool(n, "set_alpha_to_one", true),
                bool(n, "skip_prk_steps", false),
                n.has("clip_sample") && !n.get("clip_sample").isNull() ? bool(n, "clip_sample", true) : null,
                number(n, "clip_sample_range", 1.0),
                text(n, "timestep_spacing", "leading"),
                text(n, "variance_type", "fixed_small"));
    }

    /**
     * clip_sample, or the default when the file has none: diffusers' class default (true) when the
     * file belongs to the reading class, false when DDIM/DDPM read another class's file (SD's PNDM
     * config) — SD v1's own files say false, and diffusers' reference pipelines do not clip.
     */
    public boolean clipSampleOr(boolean classDefault) {
        return clipSample != null ? clipSample : classDefault;
    }

    private static int integer(JsonNode n, String f, int dflt) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return dflt;
        if (!v.isIntegralNumber()) throw new IllegalArgumentException(f + " must be an integer, found " + v);
        return v.asInt();
    }

    private static double number(JsonNode n, String f, double dflt) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new IllegalArgumentException(f + " must be a number, found " + v);
        return v.asDouble();
    }

    private static boolean bool(JsonNode n, String f, boolean dflt) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new IllegalArgumentException(f + " must be true or false, found " + v);
        return v.asBoolean();
    }

    private static String text(JsonNode n, String f, String dflt) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw new IllegalArgumentException(f + " must be a string, found " + v);
        return v.asText();
    }
}
