package dev.originality.measure.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.measure.vit.BicubicResize;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * transformers' {@code CLIPImageProcessor} defaults: resize the shortest side to S (PIL bicubic,
 * the other side int(S · long / short)), centre crop S x S (offsets (h − S) // 2, (w − S) // 2),
 * scale to [0, 1], normalise with OpenAI CLIP's mean and std.
 */
public final class ClipPreprocess {
    /** OpenAI CLIP's per-channel RGB mean and std (the processor's image_mean / image_std). */
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f}, STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private ClipPreprocess() {}

    /** images of any size → pixel_values [B, 3, S, S], normalised. */
    public static NDArray pixelValues(NDManager manager, List<BufferedImage> images, int size) {
        float[] out = new float[images.size() * 3 * size * size];
        for (int i = 0; i < images.size(); i++) {
            float[] one = one(images.get(i), size);                                  // [3, S, S]
            System.arraycopy(one, 0, out, i * one.length, one.length);
        }
        return manager.create(out, new Shape(images.size(), 3, size, size));
    }

    private static float[] one(BufferedImage img, int size) {
        int w = img.getWidth(), h = img.getHeight();
        int rw = w <= h ? size : (int) ((long) size * w / h), rh = h <= w ? size : (int) ((long) size * h / w);
        float[] resized = BicubicResize.toPixels(img, rw, rh);                        // [3, rh, rw] in [0, 1]
        int top = (rh - size) / 2, left = (rw - size) / 2;
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = resized[c * rw * rh + (top + y) * rw + left + x];
                    out[c * size * size + y * size + x] = (v - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }
}
