package dev.originality.measure.score;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Percentile bootstrap intervals for a reconstruction rate (successes out of n samples). */
public final class Bootstrap {
    public static final int RESAMPLES = 2000;

    private Bootstrap() {}

    /**
     * The 95% percentile interval of the rate: resample the n outcomes with replacement
     * {@link #RESAMPLES} times (seeded, so the interval is reproducible) and take the 2.5th and
     * 97.5th percentiles of the resampled rates.
     */
    public static double[] ci95(int successes, int n, long seed) {
        if (n < 1 || successes < 0 || successes > n) throw new IllegalArgumentException("need 0 <= successes <= n, n >= 1; found " + successes + " of " + n);
        SplittableRandom r = new SplittableRandom(seed);
        double[] rates = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            int k = 0;
            for (int i = 0; i < n; i++) if (r.nextInt(n) < successes) k++;
            rates[b] = k / (double) n;
        }
        Arrays.sort(rates);
        return new double[] {rates[(int) Math.floor(0.025 * (RESAMPLES - 1))], rates[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }

    /**
     * The 95% percentile interval of a mean: resample the values with replacement {@link #RESAMPLES}
     * times (seeded) and take the 2.5th and 97.5th percentiles of the resampled means.
     */
    public static double[] meanCi95(double[] values, long seed) {
        if (values.length < 1) throw new IllegalArgumentException("need at least one value, found none");
        SplittableRandom r = new SplittableRandom(seed);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double sum = 0;
            for (int i = 0; i < values.length; i++) sum += values[r.nextInt(values.length)];
            means[b] = sum / values.length;
        }
        Arrays.sort(means);
        return new double[] {means[(int) Math.floor(0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }
}
