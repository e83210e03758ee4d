package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/** DDPM (Ho et al. 2020): the ancestral step with a posterior-variance noise term. Also the training forward process. */
public final class DdpmScheduler extends BaseScheduler {
    public DdpmScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public String name() {
        return "ddpm";
    }

    @Override
    public boolean needsNoise() {
        return true;
    }

    @Override
    public NDArray step(NDArray out, long t, NDArray sample, NDArray noise) {
        requireTimesteps();
        long prev = previous(t);
        double aT = schedule.at(t), aPrev = prev >= 0 ? schedule.at(prev) : 1.0;
        double betaT = 1 - aT, betaPrev = 1 - aPrev, curAlpha = aT / aPrev, curBeta = 1 - curAlpha;
        NDArray x0 = x0AndEps(out, sample, aT)[0];
        if (config.clipSampleOr(config.className().equals("DDPMScheduler"))) x0 = x0.clip(-config.clipSampleRange(), config.clipSampleRange());
        double cX0 = Math.sqrt(aPrev) * curBeta / betaT, cSample = Math.sqrt(curAlpha) * betaPrev / betaT;
        NDArray prevSample = x0.mul((float) cX0).add(sample.mul((float) cSample));
        if (t > 0) {
            if (noise == null) throw new IllegalArgumentException("ddpm: step at t = " + t + " needs variance noise");
            double variance = Math.max(betaPrev / betaT * curBeta, 1e-20);
            double std = switch (config.varianceType()) {
                case "fixed_small" -> Math.sqrt(variance);
                case "fixed_small_log" -> Math.exp(0.5 * Math.log(variance));
                case "fixed_large" -> Math.sqrt(curBeta);
                default -> Math.exp(0.5 * Math.log(curBeta));
            };
            prevSample = prevSample.add(noise.mul((float) std));
        }
        return prevSample;
    }
}
