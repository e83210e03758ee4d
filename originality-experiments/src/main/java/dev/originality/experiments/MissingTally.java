package dev.originality.experiments;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How often a generated set holds the missing element (paper App. B.2): per image, how many detected
 * elements are the missing one(s) and how many elements were detected in all. The frequency is
 * their ratio over the set ("normalised by the total number of generated elements"), 0 when
 * nothing at all was detected.
 *
 * @param missing  [images] detections that are a missing element
 * @param elements [images] all confident detections
 */
public record MissingTally(int[] missing, int[] elements) {
    static final int RESAMPLES = 1000;

    public MissingTally {
        if (missing.length != elements.length) throw new IllegalArgumentException(missing.length + " missing counts but " + elements.length + " element counts");
        for (int i = 0; i < missing.length; i++) {
            if (missing[i] < 0 || missing[i] > elements[i]) {
                throw new IllegalArgumentException("image " + i + ": " + missing[i] + " missing elements among " + elements[i] + " detected");
            }
        }
    }

    public int images() {
        return missing.length;
    }

    public long missingTotal() {
        return Arrays.stream(missing).asLongStream().sum();
    }

    public long elementsTotal() {
        return Arrays.stream(elements).asLongStream().sum();
    }

    public double frequency() {
        long n = elementsTotal();
        return n == 0 ? 0 : missingTotal() / (double) n;
    }

    /** Share of images holding at least one missing element. */
    public double imageRate() {
        return images() == 0 ? 0 : Arrays.stream(missing).filter(m -> m > 0).count() / (double) images();
    }

    /**
     * 95% percentile-bootstrap interval of the mean frequency over sets (the variants of a level):
     * each resample redraws every set's images with replacement (seeded, so reproducible).
     */
    public static double[] ci95(List<MissingTally> sets, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] means = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            double sum = 0;
            for (MissingTally t : sets) {
                long m = 0, e = 0;
                for (int i = 0; i < t.images(); i++) {
                    int k = r.nextInt(t.images());
                    m += t.missing[k];
                    e += t.elements[k];
                }
                sum += e == 0 ? 0 : m / (double) e;
            }
            means[b] = sum / sets.size();
        }
        Arrays.sort(means);
        return new double[] {means[(int) Math.floor(0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }
}
