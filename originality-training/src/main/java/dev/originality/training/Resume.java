package dev.originality.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/** What a checkpoint records about its run, and the check that a resume continues the same run. */
final class Resume {
    private Resume() {}

    static ObjectNode state(String stage, int step, TrainPreset p, long seed) {
        ObjectNode n = Checkpoint.JSON.createObjectNode();
        n.put("stage", stage);
        n.put("step", step);
        n.put("preset", p.name());
        n.put("seed", seed);
        n.set("preset_values", Checkpoint.JSON.valueToTree(p));
        return n;
    }

    /**
     * The step to continue from; fails when the checkpoint belongs to another preset or seed. The
     * step counts may differ: the learning rate is constant after warm-up and every step's batch
     * and noise depend only on (seed, step), so a run resumed with more steps reaches the weights
     * of an uninterrupted run of that length.
     */
    static int check(Path modelDir, String stage, TrainPreset p, long seed) throws IOException {
        JsonNode s = Checkpoint.state(modelDir, stage);
        JsonNode saved = withoutStepCounts(s.path("preset_values")), now = withoutStepCounts(Checkpoint.JSON.valueToTree(p));
        // Checkpoints written before the loss weighting was a preset value trained with plain MSE; they resume with the
        // preset's weighting from their step on (the model card's history records where it changed).
        if (saved instanceof ObjectNode o && !o.has("snrGamma") && now instanceof ObjectNode n) n.remove("snrGamma");
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("cannot resume: '" + modelDir + "' was trained with preset '"
                    + s.path("preset").asText() + "' (or other values), not '" + p.name() + "'");
        }
        if (s.path("seed").asLong() != seed) {
            throw new IllegalArgumentException("cannot resume: '" + modelDir + "' was trained with seed "
                    + s.path("seed").asLong() + ", not " + seed);
        }
        return s.path("step").asInt();
    }

    private static JsonNode withoutStepCounts(JsonNode presetValues) {
        if (!(presetValues instanceof ObjectNode o)) return presetValues;
        ObjectNode copy = o.deepCopy();
        copy.remove(java.util.List.of("vaeSteps", "unetSteps"));
        return copy;
    }
}
