package dev.originality.measure.detect;

import java.util.List;
import java.util.Locale;

/**
 * How the detector is trained. Presets are data: {@code tiny} (a test-sized run of seconds) and
 * {@code cpu} (the shipped model, minutes on 2 cores).
 *
 * @param images         rendered training images (each gives one crop per blob)
 * @param epochs         passes over the crops
 * @param batchSize      crops per step
 * @param learningRate   Adam's peak rate, decayed along a cosine to 2% of it
 * @param sixElementRate share of images drawn with up to 6 elements instead of 4
 * @param touchingRate   share of images drawn with no gap between element extents
 */
public record TrainPreset(String name, int images, int epochs, int batchSize, double learningRate,
                          double sixElementRate, double touchingRate,
                          ClassifierConfig classifier, SegmenterConfig segmenter, Degradation degradation) {
    public static final List<String> NAMES = List.of("tiny", "cpu");

    public TrainPreset {
        if (images < 1) throw new IllegalArgumentException("images must be positive, found " + images);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be positive, found " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive, found " + batchSize);
        if (!(learningRate > 0 && learningRate < 1)) throw new IllegalArgumentException("learningRate must be in (0, 1), found " + learningRate);
        if (!(sixElementRate >= 0 && sixElementRate <= 1 && touchingRate >= 0 && touchingRate <= 1)) {
            throw new IllegalArgumentException("rates must be in [0, 1], found " + sixElementRate + " and " + touchingRate);
        }
    }

    public static TrainPreset get(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> new TrainPreset("tiny", 120, 2, 32, 3e-3, 0.2, 0.1,
                    new ClassifierConfig(32, 8, 16, 16, 32), SegmenterConfig.DEFAULT, Degradation.TRAINING);
            case "cpu" -> new TrainPreset("cpu", 24000, 10, 128, 2e-3, 0.2, 0.1,
                    ClassifierConfig.DEFAULT, SegmenterConfig.DEFAULT, Degradation.TRAINING);
            default -> throw new IllegalArgumentException("unknown detector preset '" + name + "': expected one of " + String.join(", ", NAMES));
        };
    }
}
