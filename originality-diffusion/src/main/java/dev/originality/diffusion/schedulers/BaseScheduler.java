package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/** What DDPM, DDIM and PNDM share: the config, the noise schedule and the chosen timesteps. */
abstract class BaseScheduler implements Scheduler {
    protected final SchedulerConfig config;
    protected final NoiseSchedule schedule;
    protected long[] timesteps = new long[0];
    protected int numInferenceSteps;

    BaseScheduler(SchedulerConfig config) {
        this.config = config;
        this.schedule = new NoiseSchedule(config);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    /** Evenly spaced timesteps (DDPM, DDIM); PNDM reorders them. */
    @Override
    public void setTimesteps(int n) {
        numInferenceSteps = n;
        timesteps = NoiseSchedule.spacing(config, n);
    }

    @Override
    public long[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] alphasCumprod() {
        return schedule.alphasCumprod.clone();
    }

    @Override
    public NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        return schedule.addNoise(original, noise, timesteps);
    }

    protected void requireTimesteps() {
        if (numInferenceSteps == 0) throw new IllegalStateException(name() + ": call setTimesteps before step");
    }

    /** diffusers' previous_timestep for evenly spaced schedules. */
    protected long previous(long t) {
        return t - config.numTrainTimesteps() / numInferenceSteps;
    }

    /** (x̂₀, ε̂) from the model output under the configured prediction type. */
    protected NDArray[] x0AndEps(NDArray out, NDArray sample, double alphaProd) {
        double a = Math.sqrt(alphaProd), b = Math.sqrt(1 - alphaProd);
        return switch (config.predictionType()) {
            case "epsilon" -> new NDArray[] {sample.sub(out.mul((float) b)).div((float) a), out};
            case "sample" -> new NDArray[] {out, sample.sub(out.mul((float) a)).div((float) b)};
            default -> new NDArray[] {sample.mul((float) a).sub(out.mul((float) b)), out.mul((float) a).add(sample.mul((float) b))};
        };
    }
}
