package dev.originality.measure.detect;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * Damage that makes a clean render look like a generated image, applied in this order: a small
 * affine warp plus a smooth elastic ripple, a colour shift, Gaussian blur, Gaussian noise, JPEG.
 * Every amount is drawn uniformly from its range with the caller's generator, so a seed fixes the
 * result. Lengths are in pixels of the 64x64 world and scale with the image.
 *
 * @param cleanProbability  chance of returning the image untouched
 * @param blurMax           blur σ drawn from [0, blurMax]
 * @param noiseMin          noise σ (on a 0..1 scale) drawn from [noiseMin, noiseMax]
 * @param jpegProbability   chance of a JPEG round trip, at a quality drawn from [jpegMin, jpegMax]
 * @param warpProbability   chance of a warp: rotation within ±rotationDeg, per-axis scale and shear
 *                          within ±scaleJitter, elastic ripple of amplitude up to elasticPx
 * @param colourProbability chance of scaling each channel's distance from white by 1 ± colourJitter
 */
public record Degradation(double cleanProbability, double blurMax, double noiseMin, double noiseMax,
                          double jpegProbability, int jpegMin, int jpegMax,
                          double warpProbability, double rotationDeg, double scaleJitter, double elasticPx,
                          double colourProbability, double colourJitter) {

    /** What the detector trains on: a mix of clean and generated-looking damage. */
    public static final Degradation TRAINING = new Degradation(0.15, 1.5, 0, 0.06, 0.6, 50, 90, 0.5, 8, 0.06, 0.6, 0.5, 0.08);
    /** The acceptance test's damage: blur σ up to 1 px, noise σ 0.05, JPEG quality 60. */
    public static final Degradation EVALUATION = new Degradation(0, 1.0, 0.05, 0.05, 1, 60, 60, 0, 0, 0, 0, 0, 0);
    public static final Degradation NONE = new Degradation(1, 0, 0, 0, 0, 90, 90, 0, 0, 0, 0, 0, 0);

    public Degradation {
        for (double p : new double[] {cleanProbability, jpegProbability, warpProbability, colourProbability}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probabilities must be in [0, 1], found " + p);
        }
        if (!(blurMax >= 0 && blurMax <= 8)) throw new IllegalArgumentException("blurMax must be in [0, 8], found " + blurMax);
        if (!(noiseMin >= 0 && noiseMin <= noiseMax && noiseMax <= 0.5)) {
            throw new IllegalArgumentException("noise range must satisfy 0 <= noiseMin <= noiseMax <= 0.5, found [" + noiseMin + ", " + noiseMax + "]");
        }
        if (jpegMin < 1 || jpegMin > jpegMax || jpegMax > 100) {
            throw new IllegalArgumentException("JPEG quality range must satisfy 1 <= min <= max <= 100, found [" + jpegMin + ", " + jpegMax + "]");
        }
        if (!(rotationDeg >= 0 && rotationDeg <= 45 && scaleJitter >= 0 && scaleJitter < 0.5 && elasticPx >= 0 && elasticPx <= 4)) {
            throw new IllegalArgumentException("warp amounts out of range: rotation " + rotationDeg + "° (0..45), scale "
                    + scaleJitter + " (0..0.5), elastic " + elasticPx + " px (0..4)");
        }
        if (!(colourJitter >= 0 && colourJitter < 1)) throw new IllegalArgumentException("colourJitter must be in [0, 1), found " + colourJitter);
    }

    /** The damaged image and the warp that moved its content (identity when none). */
    public record Result(BufferedImage image, AffineTransform warp) {}

    public Result apply(BufferedImage src, SplittableRandom r) {
        if (r.nextDouble() < cleanProbability) return new Result(src, new AffineTransform());
        int w = src.getWidth(), h = src.getHeight();
        double scale = SegmenterConfig.scale(w, h);
        float[][] px = planes(src);
        AffineTransform warp = new AffineTransform();
        if (r.nextDouble() < warpProbability) {
            warp = randomAffine(w, h, r);
            px = warp(px, w, h, warp, r.nextDouble() * elasticPx * scale, r);
        }
        if (r.nextDouble() < colourProbability) {
            for (float[] c : px) {
                float g = (float) (1 + (2 * r.nextDouble() - 1) * colourJitter);
                for (int i = 0; i < c.length; i++) c[i] = 1 - (1 - c[i]) * g;
            }
        }
        double sigma = r.nextDouble() * blurMax * scale;
        if (sigma > 0.05) for (float[] c : px) blur(c, w, h, sigma);
        double noise = noiseMin + r.nextDouble() * (noiseMax - noiseMin);
        if (noise > 0) for (float[] c : px) for (int i = 0; i < c.length; i++) c[i] += (float) (r.nextGaussian() * noise);
        BufferedImage out = image(px, w, h);
        if (r.nextDouble() < jpegProbability) out = jpeg(out, jpegMin + r.nextInt(jpegMax - jpegMin + 1));
        return new Result(out, warp);
    }

    private AffineTransform randomAffine(int w, int h, SplittableRandom r) {
        double theta = Math.toRadians((2 * r.nextDouble() - 1) * rotationDeg);
        double sx = 1 + (2 * r.nextDouble() - 1) * scaleJitter, sy = 1 + (2 * r.nextDouble() - 1) * scaleJitter;
        double shear = (2 * r.nextDouble() - 1) * scaleJitter;
        AffineTransform a = new AffineTransform();
        a.translate(w / 2.0, h / 2.0);
        a.rotate(theta);
        a.shear(shear, 0);
        a.scale(sx, sy);
        a.translate(-w / 2.0, -h / 2.0);
        return a;
    }

    /** Inverse-maps every output pixel through the affine map plus a sinusoidal ripple; white outside. */
    private static float[][] warp(float[][] px, int w, int h, AffineTransform a, double amp, SplittableRandom r) {
        AffineTransform inv;
        try {
            inv = a.createInverse();
        } catch (java.awt.geom.NoninvertibleTransformException e) {
            throw new IllegalStateException(e);
        }
        double side = Math.min(w, h);
        double fx = (1 + 2 * r.nextDouble()) / side, fy = (1 + 2 * r.nextDouble()) / side;
        double p1 = 2 * Math.PI * r.nextDouble(), p2 = 2 * Math.PI * r.nextDouble();
        float[][] out = new float[3][w * h];
        double[] pt = new double[2];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                pt[0] = x + 0.5;
                pt[1] = y + 0.5;
                inv.transform(pt, 0, pt, 0, 1);
                double sx = pt[0] + amp * Math.sin(2 * Math.PI * fy * pt[1] + p1) - 0.5;
                double sy = pt[1] + amp * Math.sin(2 * Math.PI * fx * pt[0] + p2) - 0.5;
                for (int c = 0; c < 3; c++) out[c][y * w + x] = bilinear(px[c], w, h, sx, sy);
            }
        return out;
    }

    private static float bilinear(float[] v, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double ax = x - x0, ay = y - y0;
        return (float) ((1 - ay) * ((1 - ax) * at(v, w, h, x0, y0) + ax * at(v, w, h, x0 + 1, y0))
                + ay * ((1 - ax) * at(v, w, h, x0, y0 + 1) + ax * at(v, w, h, x0 + 1, y0 + 1)));
    }

    private static float at(float[] v, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 1f : v[y * w + x];
    }

    /** Separable Gaussian blur in place, edges replicated. */
    static void blur(float[] v, int w, int h, double sigma) {
        int rad = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * rad + 1];
        double sum = 0;
        for (int i = -rad; i <= rad; i++) sum += k[i + rad] = (float) Math.exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= (float) sum;
        float[] t = new float[v.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int i = -rad; i <= rad; i++) s += k[i + rad] * v[y * w + Math.max(0, Math.min(w - 1, x + i))];
                t[y * w + x] = s;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int i = -rad; i <= rad; i++) s += k[i + rad] * t[Math.max(0, Math.min(h - 1, y + i)) * w + x];
                v[y * w + x] = s;
            }
    }

    private static float[][] planes(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[][] p = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            p[0][i] = (argb[i] >> 16 & 255) / 255f;
            p[1][i] = (argb[i] >> 8 & 255) / 255f;
            p[2][i] = (argb[i] & 255) / 255f;
        }
        return p;
    }

    private static BufferedImage image(float[][] p, int w, int h) {
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = 0xFF000000 | byte8(p[0][i]) << 16 | byte8(p[1][i]) << 8 | byte8(p[2][i]);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        out.setRGB(0, 0, w, h, argb, 0, w);
        return out;
    }

    private static int byte8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    private static final ThreadLocal<ImageWriter> JPEG = ThreadLocal.withInitial(() -> {
        ImageIO.setUseCache(false);
        return ImageIO.getImageWritersByFormatName("jpeg").next();
    });

    /** A JPEG round trip through ImageIO at the given quality (1..100). */
    public static BufferedImage jpeg(BufferedImage img, int quality) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        ImageWriter w = JPEG.get();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.reset();
        }
        try {
            // ImageIO.read closes the stream it is given.
            return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
