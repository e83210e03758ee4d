package dev.originality.shapes;

/** Exact binomial tail bounds, for asserting sampled frequencies without hand-tuned tolerances. */
final class Binomial {
    private Binomial() {}

    /** The central interval [lo, hi] holding at least {@code confidence} of Binomial(n, p)'s mass. */
    static long[] interval(long n, double p, double confidence) {
        double tail = (1 - confidence) / 2;
        long lo = 0, hi = n;
        double cdf = 0;
        for (long k = 0; k <= n; k++) {
            cdf += Math.exp(logPmf(n, k, p));
            if (cdf > tail) {
                lo = k;
                break;
            }
        }
        cdf = 0;
        for (long k = n; k >= 0; k--) {
            cdf += Math.exp(logPmf(n, k, p));
            if (cdf > tail) {
                hi = k;
                break;
            }
        }
        return new long[] {lo, hi};
    }

    private static double logPmf(long n, long k, double p) {
        return logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    }

    private static double logChoose(long n, long k) {
        double s = 0;
        for (long i = 1; i <= k; i++) s += Math.log((double) (n - k + i) / i);
        return s;
    }
}
