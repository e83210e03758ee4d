package dev.originality.measure.vit;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * DreamSim's preprocessing — torchvision {@code Resize((S, S), BICUBIC)} on a PIL image, then
 * {@code ToTensor} — without Python: PIL's separable resampling with the bicubic kernel (a = −0.5)
 * widened by the scale factor when shrinking (an antialiasing filter), fixed-point weights, a
 * horizontal pass then a vertical pass, each rounded and clipped to 8 bits as PIL does.
 */
public final class BicubicResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private BicubicResize() {}

    /** image (any size; RGB, RGBA or grey; alpha dropped as PIL's convert("RGB")) → [3, h, w] in [0, 1]. */
    public static float[] toPixels(BufferedImage image, int w, int h) {
        int[][] rgb = channels(image);                                    // 3 × [H·W] bytes as ints
        int inW = image.getWidth(), inH = image.getHeight();
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            int[] plane = rgb[c];
            if (w != inW) plane = pass(plane, inW, inH, w, true);         // [inH·w]
            if (h != inH) plane = pass(plane, w, inH, h, false);          // [h·w]
            for (int i = 0; i < w * h; i++) out[c * w * h + i] = plane[i] / 255f;
        }
        return out;
    }

    /** One resampling pass along x (horizontal) or y over a [height·width] plane of 8-bit values. */
    static int[] pass(int[] in, int width, int height, int outSize, boolean horizontal) {
        int inSize = horizontal ? width : height;
        Coefficients k = coefficients(inSize, outSize);
        int outW = horizontal ? outSize : width, outH = horizontal ? height : outSize;
        int[] out = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int o = horizontal ? x : y;
                long acc = 1L << (PRECISION_BITS - 1);                     // rounds the fixed-point sum
                for (int j = 0; j < k.count[o]; j++) {
                    int src = k.first[o] + j;
                    int v = horizontal ? in[y * width + src] : in[src * width + x];
                    acc += (long) v * k.weights[o][j];
                }
                out[y * outW + x] = clip8(acc >> PRECISION_BITS);
            }
        }
        return out;
    }

    private record Coefficients(int[] first, int[] count, int[][] weights) {}

    /** For each output position, the input window and its fixed-point weights (normalised to sum 1). */
    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);                        // shrinking widens the kernel
        double support = SUPPORT * filterScale;
        int[] first = new int[outSize], count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int o = 0; o < outSize; o++) {
            double centre = (o + 0.5) * scale;
            int lo = Math.max((int) (centre - support + 0.5), 0);
            int hi = Math.min((int) (centre + support + 0.5), inSize);
            double[] w = new double[hi - lo];
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                w[i] = cubic((i + lo - centre + 0.5) / filterScale);
                sum += w[i];
            }
            weights[o] = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                double v = sum != 0 ? w[i] / sum : 0;
                weights[o][i] = (int) (v * (1 << PRECISION_BITS) + (v < 0 ? -0.5 : 0.5)); // rounded half away from zero
            }
            first[o] = lo;
            count[o] = w.length;
        }
        return new Coefficients(first, count, weights);
    }

    /** Keys' cubic convolution kernel with a = −0.5 (PIL's BICUBIC). */
    static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static int clip8(long v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    /** 8-bit R, G, B planes [H·W]; grey images are read from the raster (getRGB would re-map them through sRGB). */
    private static int[][] channels(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[][] out = new int[3][w * h];
        Raster r = image.getRaster();
        boolean grey = r.getNumBands() <= 2 && r.getSampleModel().getSampleSize(0) == 8;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (grey) {
                    int g = r.getSample(x, y, 0);
                    out[0][i] = g;
                    out[1][i] = g;
                    out[2][i] = g;
                } else {
                    int argb = image.getRGB(x, y);
                    out[0][i] = (argb >> 16) & 0xFF;
                    out[1][i] = (argb >> 8) & 0xFF;
                    out[2][i] = argb & 0xFF;
                }
            }
        }
        return out;
    }
}
