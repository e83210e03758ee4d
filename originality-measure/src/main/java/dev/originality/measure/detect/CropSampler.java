package dev.originality.measure.detect;

/**
 * What the classifier sees of a blob: the ink of the blob's colour inside its (widened) mask, in a
 * window of {@code cropSide} world pixels centred on the blob's box, area-resampled to
 * {@code cropPixels} squared. Scaling by the image side keeps sizes comparable across resolutions.
 */
public final class CropSampler {
    private final SegmenterConfig config;

    public CropSampler(SegmenterConfig config) {
        this.config = config;
    }

    /** The crop of one blob, row-major. Returns [cropPixels * cropPixels]. */
    public float[] crop(InkMap map, Blob blob) {
        int w = map.width, h = map.height;
        double scale = SegmenterConfig.scale(w, h);
        double side = config.cropSide() * scale;
        // Rounded so that at scale 1 the window is pixel-aligned and the crop a plain copy.
        double x0 = Math.rint(blob.centreX() - side / 2), y0 = Math.rint(blob.centreY() - side / 2);
        int gx0 = (int) Math.floor(x0), gy0 = (int) Math.floor(y0);
        int gw = (int) Math.ceil(x0 + side) - gx0, gh = (int) Math.ceil(y0 + side) - gy0;
        float[] local = maskedInk(map, blob, gx0, gy0, gw, gh, (int) Math.round(config.maskDilation() * scale));
        int n = config.cropPixels();
        double cell = side / n;
        float[][] wx = weights(x0 - gx0, cell, n, gw), wy = weights(y0 - gy0, cell, n, gh);
        int[][] ix = indices(x0 - gx0, cell, n, gw), iy = indices(y0 - gy0, cell, n, gh);
        float[] rows = new float[n * gw];
        for (int v = 0; v < n; v++)
            for (int k = 0; k < iy[v].length; k++) {
                int src = iy[v][k] * gw;
                float wt = wy[v][k];
                for (int x = 0; x < gw; x++) rows[v * gw + x] += wt * local[src + x];
            }
        float[] out = new float[n * n];
        for (int v = 0; v < n; v++)
            for (int u = 0; u < n; u++) {
                float s = 0;
                for (int k = 0; k < ix[u].length; k++) s += wx[u][k] * rows[v * gw + ix[u][k]];
                out[v * n + u] = s;
            }
        return out;
    }

    /** Ink of the blob's colour on the window grid [gx0, gx0+gw) x [gy0, gy0+gh), zero outside the dilated mask. */
    private static float[] maskedInk(InkMap map, Blob blob, int gx0, int gy0, int gw, int gh, int dilation) {
        boolean[] mask = new boolean[gw * gh];
        for (int p : blob.pixels()) {
            int x = p % map.width - gx0, y = p / map.width - gy0;
            if (x >= 0 && y >= 0 && x < gw && y < gh) mask[y * gw + x] = true;
        }
        mask = dilate(mask, gw, gh, dilation);
        float[] out = new float[gw * gh];
        byte c = (byte) blob.colour().ordinal();
        for (int y = 0; y < gh; y++) {
            int sy = y + gy0;
            if (sy < 0 || sy >= map.height) continue;
            for (int x = 0; x < gw; x++) {
                int sx = x + gx0;
                if (sx < 0 || sx >= map.width || !mask[y * gw + x]) continue;
                int p = sy * map.width + sx;
                if (map.colour[p] == c) out[y * gw + x] = map.ink[p];
            }
        }
        return out;
    }

    /** Square dilation by r pixels, separable (rows, then columns). */
    private static boolean[] dilate(boolean[] m, int w, int h, int r) {
        if (r == 0) return m;
        boolean[] t = new boolean[m.length], out = new boolean[m.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (m[y * w + x]) for (int d = Math.max(0, x - r); d <= Math.min(w - 1, x + r); d++) t[y * w + d] = true;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (t[y * w + x]) for (int d = Math.max(0, y - r); d <= Math.min(h - 1, y + r); d++) out[d * w + x] = true;
        return out;
    }

    /** Grid pixels that output cell i (covering [start + i*cell, start + (i+1)*cell)) overlaps. */
    private static int[][] indices(double start, double cell, int n, int size) {
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            double a = start + i * cell, b = a + cell;
            int lo = Math.max(0, (int) Math.floor(a)), hi = Math.min(size, (int) Math.ceil(b));
            out[i] = new int[Math.max(0, hi - lo)];
            for (int k = 0; k < out[i].length; k++) out[i][k] = lo + k;
        }
        return out;
    }

    /** Overlap of each of those pixels with the cell, over the cell's length: an area average. */
    private static float[][] weights(double start, double cell, int n, int size) {
        int[][] idx = indices(start, cell, n, size);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            double a = start + i * cell, b = a + cell;
            out[i] = new float[idx[i].length];
            for (int k = 0; k < idx[i].length; k++) {
                int p = idx[i][k];
                out[i][k] = (float) ((Math.min(b, p + 1) - Math.max(a, p)) / cell);
            }
        }
        return out;
    }
}
