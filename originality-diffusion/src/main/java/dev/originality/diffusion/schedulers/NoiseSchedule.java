package dev.originality.diffusion.schedulers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The β schedule and ᾱ (alphas_cumprod) shared by every scheduler, computed in float32 as
 * diffusers does (torch.linspace and torch.cumprod on float32 tensors), then held as doubles.
 */
final class NoiseSchedule {
    final double[] alphasCumprod;

    NoiseSchedule(SchedulerConfig c) {
        int n = c.numTrainTimesteps();
        float[] betas = new float[n];
        switch (c.betaSchedule()) {
            case "linear" -> {
                for (int i = 0; i < n; i++) betas[i] = linspace((float) c.betaStart(), (float) c.betaEnd(), n, i);
            }
            case "scaled_linear" -> {
                float a = (float) Math.sqrt(c.betaStart()), b = (float) Math.sqrt(c.betaEnd());
                for (int i = 0; i < n; i++) {
                    float v = linspace(a, b, n, i);
                    betas[i] = v * v;
                }
            }
            default -> { // squaredcos_cap_v2 (Nichol & Dhariwal's cosine schedule)
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n, t2 = (double) (i + 1) / n;
                    betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
                }
            }
        }
        alphasCumprod = new double[n];
        float acc = 1f;
        for (int i = 0; i < n; i++) {
            acc *= 1f - betas[i];
            alphasCumprod[i] = acc;
        }
    }

    /** torch.linspace's float32 formula: start + i·step from the start for the first half, from the end for the rest. */
    private static float linspace(float start, float end, int n, int i) {
        if (n == 1) return start;
        float step = (end - start) / (n - 1);
        return i < n / 2 ? start + step * i : end - step * (n - 1 - i);
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    double at(long t) {
        return alphasCumprod[(int) t];
    }

    /** √ᾱ_t x₀ + √(1 − ᾱ_t) ε with per-sample t. */
    NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        long[] t = timesteps.toType(DataType.INT64, false).toLongArray();
        long b = original.getShape().get(0);
        if (t.length != b && t.length != 1) {
            throw new IllegalArgumentException("add_noise: " + t.length + " timesteps for a batch of " + b);
        }
        float[] sa = new float[(int) b], sb = new float[(int) b];
        for (int i = 0; i < b; i++) {
            long ti = t[t.length == 1 ? 0 : i];
            if (ti < 0 || ti >= alphasCumprod.length) {
                throw new IllegalArgumentException("timestep " + ti + " is outside 0.." + (alphasCumprod.length - 1));
            }
            sa[i] = (float) Math.sqrt(alphasCumprod[(int) ti]);
            sb[i] = (float) Math.sqrt(1 - alphasCumprod[(int) ti]);
        }
        long[] bshape = new long[original.getShape().dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[0] = b;
        NDArray a = original.getManager().create(sa, new Shape(bshape)).toDevice(original.getDevice(), false);
        NDArray s = original.getManager().create(sb, new Shape(bshape)).toDevice(original.getDevice(), false);
        return original.mul(a).add(noise.mul(s));
    }

    /** Inference timesteps for n steps, as diffusers' timestep_spacing options. */
    static long[] spacing(SchedulerConfig c, int n) {
        int total = c.numTrainTimesteps();
        if (n < 1 || n > total) throw new IllegalArgumentException("inference steps must be in 1.." + total + ", found " + n);
        long[] ts = new long[n];
        switch (c.timestepSpacing()) {
            case "linspace" -> {
                for (int i = 0; i < n; i++) ts[n - 1 - i] = (long) Math.rint(n == 1 ? 0 : (double) (total - 1) * i / (n - 1));
            }
            case "trailing" -> {
                double ratio = (double) total / n;
                for (int i = 0; i < n; i++) ts[i] = (long) Math.rint(total - i * ratio) - 1;
            }
            default -> {
                int ratio = total / n;
                for (int i = 0; i < n; i++) ts[n - 1 - i] = (long) i * ratio + c.stepsOffset();
            }
        }
        return ts;
    }
}
