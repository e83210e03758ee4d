package dev.originality.training;

import java.nio.file.Path;

/** Stops a run at the first non-finite loss, before the optimizer spreads it into the weights. */
final class NanGuard {
    private NanGuard() {}

    static void check(String stage, int step, double loss, Path modelDir) {
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException(stage + " training diverged at step " + (step + 1) + ": loss = " + loss
                    + "; the last good checkpoint is in " + Checkpoint.dir(modelDir, stage) + " (resume with a lower --lr)");
        }
    }
}
