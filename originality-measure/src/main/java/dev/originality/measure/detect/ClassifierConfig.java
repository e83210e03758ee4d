package dev.originality.measure.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blob classifier: three 3x3 conv + ReLU + 2x2 max-pool stages, a hidden fully connected layer,
 * and one linear layer giving 10 logits: shape (5 shapes + "not an element"), size (2), texture (2).
 *
 * @param cropPixels input side (a multiple of 8)
 * @param channels1  channels of the first conv stage (then channels2, channels3)
 * @param hidden     width of the fully connected layer
 */
public record ClassifierConfig(int cropPixels, int channels1, int channels2, int channels3, int hidden) {
    public static final ClassifierConfig DEFAULT = new ClassifierConfig(32, 16, 32, 64, 64);
    /** Logit layout: [0, 6) shape incl. NONE, [6, 8) size, [8, 10) texture. */
    public static final int SHAPE_CLASSES = 6, NONE = 5, LOGITS = 10;

    public ClassifierConfig {
        if (cropPixels < 8 || cropPixels % 8 != 0) throw new IllegalArgumentException("cropPixels must be a positive multiple of 8, found " + cropPixels);
        for (int c : new int[] {channels1, channels2, channels3, hidden}) {
            if (c < 1 || c > 1024) throw new IllegalArgumentException("layer widths must be in 1..1024, found " + c);
        }
    }

    public int flatFeatures() {
        int s = cropPixels / 8;
        return channels3 * s * s;
    }

    /** Every parameter's name and shape, in a fixed order (the order of initialisation and of the file). */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("conv1.weight", new long[] {channels1, 1, 3, 3});
        m.put("conv1.bias", new long[] {channels1});
        m.put("conv2.weight", new long[] {channels2, channels1, 3, 3});
        m.put("conv2.bias", new long[] {channels2});
        m.put("conv3.weight", new long[] {channels3, channels2, 3, 3});
        m.put("conv3.bias", new long[] {channels3});
        m.put("fc.weight", new long[] {hidden, flatFeatures()});
        m.put("fc.bias", new long[] {hidden});
        m.put("head.weight", new long[] {LOGITS, hidden});
        m.put("head.bias", new long[] {LOGITS});
        return m;
    }
}
