package dev.originality.training;

/** Progress of a training stage: called after each step. */
@FunctionalInterface
public interface Progress {
    void step(String stage, int step, int total, double loss);

    Progress NONE = (stage, step, total, loss) -> { };
}
