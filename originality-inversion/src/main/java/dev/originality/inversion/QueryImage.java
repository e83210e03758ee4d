package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.originality.shapes.Images;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A query image brought to the model's resolution: centre square crop, then bicubic resize
 * (Java2D), RGB in [0, 1]; alpha is dropped (composited on black by the RGB read).
 *
 * @param pixels        [1, 3, size, size] in [0, 1]
 * @param preprocessing what was done, for provenance metadata
 */
public record QueryImage(NDArray pixels, String preprocessing) {

    /** Reads any format ImageIO knows (PNG, JPEG, BMP, GIF), at most {@link Images#MAX_PIXELS} pixels. */
    public static QueryImage load(Path file, int size, NDManager m) throws IOException {
        return of(read(file), size, m);
    }

    /**
     * Decodes an image file, its size checked from the header before decoding; IllegalArgumentException
     * naming the file when it is missing, not an image, corrupt or too large.
     */
    public static BufferedImage read(Path file) throws IOException {
        return Images.read(file);
    }

    public static QueryImage of(BufferedImage img, int size, NDManager m) {
        Preprocessed p = preprocess(img, size);
        return new QueryImage(m.create(p.pixels(), new Shape(1, 3, size, size)), p.description());
    }

    /** Planar RGB pixels [3, size, size] in [0, 1] and a description of the steps. */
    record Preprocessed(float[] pixels, String description) {}

    static Preprocessed preprocess(BufferedImage img, int size) {
        if (size < 1 || size > 4096) throw new IllegalArgumentException("target size must be in 1..4096, found " + size);
        int w = img.getWidth(), h = img.getHeight(), side = Math.min(w, h);
        int x0 = (w - side) / 2, y0 = (h - side) / 2;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
        } finally {
            g.dispose();
        }
        float[] px = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = out.getRGB(x, y);
                px[y * size + x] = ((rgb >> 16) & 0xFF) / 255f;
                px[plane + y * size + x] = ((rgb >> 8) & 0xFF) / 255f;
                px[2 * plane + y * size + x] = (rgb & 0xFF) / 255f;
            }
        }
        String how = String.format("%dx%d -> centre crop %dx%d at (%d,%d) -> bicubic resize %dx%d -> RGB [0,1]",
                w, h, side, side, x0, y0, size, size);
        return new Preprocessed(px, how);
    }
}
