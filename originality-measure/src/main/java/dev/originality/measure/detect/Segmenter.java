package dev.originality.measure.detect;

import dev.originality.shapes.Colour;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an ink map into blobs: per colour, the ink is smoothed with a 3x3 binomial kernel (which
 * keeps 2-pixel outlines but damps pixel noise) and split into 4-connected components by
 * hysteresis: a component grows through pixels with ink ≥ growThreshold and counts only when one
 * of its pixels reaches inkThreshold (blurred, noisy outlines of empty shapes stay in one piece,
 * while faint noise never starts a blob). Components below the minimum area are dropped as specks.
 */
public final class Segmenter {
    private final SegmenterConfig config;

    public Segmenter(SegmenterConfig config) {
        this.config = config;
    }

    public List<Blob> blobs(InkMap map) {
        int w = map.width, h = map.height;
        double scale = SegmenterConfig.scale(w, h);
        int minArea = (int) Math.ceil(config.minArea() * scale * scale);
        List<Blob> out = new ArrayList<>();
        boolean[] on = new boolean[w * h];
        int[] label = new int[w * h];
        int[] stack = new int[w * h], members = new int[w * h];
        for (Colour c : Colour.values()) {
            float[] smooth = smooth3(map.inkOf(c), w, h);
            boolean any = false;
            for (int i = 0; i < on.length; i++) {
                on[i] = smooth[i] >= config.growThreshold();
                any |= smooth[i] >= config.inkThreshold();
            }
            if (!any) continue;
            java.util.Arrays.fill(label, 0);
            int next = 0;
            for (int start = 0; start < on.length; start++) {
                if (!on[start] || label[start] != 0) continue;
                int id = ++next, size = 0, top = 0;
                float peak = 0;
                stack[top++] = start;
                label[start] = id;
                int x0 = w, y0 = h, x1 = -1, y1 = -1;
                while (top > 0) {
                    int p = stack[--top];
                    members[size++] = p;
                    peak = Math.max(peak, smooth[p]);
                    int x = p % w, y = p / w;
                    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
                    if (x > 0 && on[p - 1] && label[p - 1] == 0) { label[p - 1] = id; stack[top++] = p - 1; }
                    if (x < w - 1 && on[p + 1] && label[p + 1] == 0) { label[p + 1] = id; stack[top++] = p + 1; }
                    if (y > 0 && on[p - w] && label[p - w] == 0) { label[p - w] = id; stack[top++] = p - w; }
                    if (y < h - 1 && on[p + w] && label[p + w] == 0) { label[p + w] = id; stack[top++] = p + w; }
                }
                if (size < minArea || peak < config.inkThreshold()) continue;
                int[] pixels = java.util.Arrays.copyOf(members, size);
                java.util.Arrays.sort(pixels);
                out.add(new Blob(c, pixels, new int[] {x0, y0, x1 + 1, y1 + 1}, purity(map, pixels, c)));
            }
        }
        return out;
    }

    private static double purity(InkMap map, int[] pixels, Colour c) {
        double own = 0, all = 0;
        for (int p : pixels) {
            all += map.ink[p];
            if (map.colour[p] == c.ordinal()) own += map.ink[p];
        }
        return all > 0 ? own / all : 0;
    }

    /** Separable [1 2 1]/4 smoothing with edge replication. */
    static float[] smooth3(float[] v, int w, int h) {
        float[] t = new float[v.length], out = new float[v.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                float l = v[row + Math.max(0, x - 1)], r = v[row + Math.min(w - 1, x + 1)];
                t[row + x] = 0.25f * l + 0.5f * v[row + x] + 0.25f * r;
            }
        }
        for (int y = 0; y < h; y++) {
            int up = Math.max(0, y - 1) * w, dn = Math.min(h - 1, y + 1) * w, row = y * w;
            for (int x = 0; x < w; x++) out[row + x] = 0.25f * t[up + x] + 0.5f * t[row + x] + 0.25f * t[dn + x];
        }
        return out;
    }
}
