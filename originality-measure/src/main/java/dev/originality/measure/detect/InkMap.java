package dev.originality.measure.detect;

import dev.originality.shapes.Colour;

import java.awt.image.BufferedImage;

/**
 * Per pixel: which of the three colours it leans to, and how much of that colour it holds ("ink").
 * Mixing a colour with white (antialiasing, blur, fading) keeps its hue and scales its distance
 * from white linearly, so the dominant channel gives the colour and the pixel's darkness
 * (1 − luma) over the colour's own darkness gives the ink. Darkness rather than chroma because
 * JPEG keeps luma at full resolution but halves chroma, and because per-channel noise moves luma
 * less than it moves chroma (σ 0.034 vs about 0.085 for σ = 0.05 per channel).
 */
public final class InkMap {
    private static final Colour[] COLOURS = Colour.values();
    /** A pixel whose chroma is below this fraction of its darkness is grey (no colour). */
    static final double GREY_RATIO = 0.1;
    /** Darkness (1 − luma) of each pure colour, in [0, 1]. */
    private static final double[] FULL_DARKNESS = new double[COLOURS.length];

    static {
        for (Colour c : COLOURS) FULL_DARKNESS[c.ordinal()] = darkness((c.rgb >> 16) & 255, (c.rgb >> 8) & 255, c.rgb & 255);
    }

    /** 1 − Rec. 601 luma, in [0, 1]. */
    static double darkness(int r, int g, int b) {
        return 1 - (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
    }

    public final int width, height;
    /** Colour ordinal per pixel, row-major; -1 where the pixel has no chroma. */
    public final byte[] colour;    // [H*W]
    /** Ink per pixel, row-major, in [0, ~1.3]. */
    public final float[] ink;      // [H*W]

    private InkMap(int width, int height, byte[] colour, float[] ink) {
        this.width = width;
        this.height = height;
        this.colour = colour;
        this.ink = ink;
    }

    public static InkMap of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] colour = new byte[w * h];
        float[] ink = new float[w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = (p >>> 24) & 255;
            // Transparent pixels are composited over white, the world's background.
            int r = over(p >> 16 & 255, a), g = over(p >> 8 & 255, a), b = over(p & 255, a);
            int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
            // Greys and blacks are no colour of this world, however dark: the three colours have
            // about as much chroma as darkness (ratio 0.9-1.1) at any mix with white.
            if (max == min || (max - min) / 255.0 < GREY_RATIO * darkness(r, g, b)) {
                colour[i] = -1;
                continue;
            }
            int c = r == max ? Colour.RED.ordinal() : g == max ? Colour.GREEN.ordinal() : Colour.BLUE.ordinal();
            colour[i] = (byte) c;
            ink[i] = (float) Math.max(0, Math.min(1.3, darkness(r, g, b) / FULL_DARKNESS[c]));
        }
        return new InkMap(w, h, colour, ink);
    }

    private static int over(int v, int alpha) {
        return alpha == 255 ? v : (v * alpha + 255 * (255 - alpha)) / 255;
    }

    /** The ink of colour c only (0 where a pixel leans to another colour). */
    public float[] inkOf(Colour c) {
        float[] out = new float[ink.length];
        byte k = (byte) c.ordinal();
        for (int i = 0; i < ink.length; i++) if (colour[i] == k) out[i] = ink[i];
        return out;
    }
}
