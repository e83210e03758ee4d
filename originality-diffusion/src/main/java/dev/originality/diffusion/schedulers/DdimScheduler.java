package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;

/** DDIM (Song et al. 2021): deterministic for eta = 0. */
public final class DdimScheduler extends BaseScheduler {
    private final double eta;

    public DdimScheduler(SchedulerConfig config, double eta) {
        super(config);
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("ddim eta must be in [0, 1], found " + eta);
        this.eta = eta;
    }

    @Override
    public String name() {
        return "ddim";
    }

    @Override
    public boolean needsNoise() {
        return eta > 0;
    }

    @Override
    public NDArray step(NDArray out, long t, NDArray sample, NDArray noise) {
        requireTimesteps();
        long prev = previous(t);
        double aT = schedule.at(t);
        double aPrev = prev >= 0 ? schedule.at(prev) : (config.setAlphaToOne() ? 1.0 : schedule.at(0));
        NDArray[] pe = x0AndEps(out, sample, aT);
        NDArray x0 = pe[0], eps = pe[1];
        if (config.clipSampleOr(config.className().equals("DDIMScheduler"))) x0 = x0.clip(-config.clipSampleRange(), config.clipSampleRange());
        double variance = (1 - aPrev) / (1 - aT) * (1 - aT / aPrev);
        double std = eta * Math.sqrt(variance);
        NDArray direction = eps.mul((float) Math.sqrt(1 - aPrev - std * std));
        NDArray prevSample = x0.mul((float) Math.sqrt(aPrev)).add(direction);
        if (eta > 0) {
            if (noise == null) throw new IllegalArgumentException("ddim: eta > 0 needs variance noise");
            prevSample = prevSample.add(noise.mul((float) std));
        }
        return prevSample;
    }
}
