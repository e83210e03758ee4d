package dev.originality.measure.vit;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.io.PngImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** PIL's bicubic resampling, checked against values worked out by hand from its kernel (a = −0.5). */
public class BicubicResizeTest {

    @Test
    void sameSizeIsTheIdentity() {
        BufferedImage img = noise(7, 5, 1);
        float[] px = BicubicResize.toPixels(img, 7, 5);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                int rgb = img.getRGB(x, y);
                assertThat(px[y * 7 + x]).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
                assertThat(px[2 * 35 + y * 7 + x]).isEqualTo((rgb & 0xFF) / 255f);
            }
        }
    }

    @Test
    void upscalingAStepOvershootsAndIsClippedAsPil() {
        // 2 → 4 px: weights at centre 0.75 are k(0.25), k(0.75) normalised = 0.79286, 0.20714 → 255·0.20714 = 52.8
        assertThat(row(BicubicResize.toPixels(line(0, 255), 4, 1), 4)).containsExactly(0, 53, 202, 255);
    }

    @Test
    void downscalingWidensTheKernel() {
        // 4 → 2 px: support 4, weights k(±0.25), k(0.75), k(1.25) / 1.890625 → 255·0.08264 = 21.07
        assertThat(row(BicubicResize.toPixels(line(0, 0, 255, 255), 2, 1), 2)).containsExactly(21, 234);
    }

    @Test
    void keepsAConstantImageConstant() {
        BufferedImage flat = new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 50; x++) flat.setRGB(x, y, 0x7F10E0);
        for (int[] size : new int[][] {{224, 224}, {16, 16}, {64, 20}}) {
            float[] px = BicubicResize.toPixels(flat, size[0], size[1]);
            int plane = size[0] * size[1];
            assertThat(px[0]).isEqualTo(0x7F / 255f);
            assertThat(px[plane + plane / 2]).isEqualTo(0x10 / 255f);
            assertThat(px[3 * plane - 1]).isEqualTo(0xE0 / 255f);
        }
    }

    @Test
    void readsGreyImagesWithoutColourConversion() {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 100);
        float[] px = BicubicResize.toPixels(grey, 3, 1);
        assertThat(px[1]).isEqualTo(100 / 255f);
        assertThat(px[3 + 1]).isEqualTo(100 / 255f);
    }

    static int[] row(float[] px, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = Math.round(px[i] * 255);
        return out;
    }

    static BufferedImage line(int... grey) {
        BufferedImage img = new BufferedImage(grey.length, 1, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < grey.length; x++) img.setRGB(x, 0, grey[x] << 16 | grey[x] << 8 | grey[x]);
        return img;
    }

    static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    /** image: [3, H, W] in [0, 1] → 8-bit RGB. */
    public static BufferedImage image(NDArray chw) {
        return PngImages.toImage(chw);
    }

    /** Nearest-neighbour enlargement by an integer factor. */
    public static BufferedImage upscaled(BufferedImage img, int factor) {
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x / factor, y / factor));
        }
        return out;
    }
}
