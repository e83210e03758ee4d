package dev.originality.measure.detect;

/**
 * How images are cut into colour blobs and how each blob is cropped for the classifier. Lengths
 * are in pixels of the 64x64 world and scale with the image side.
 *
 * @param inkThreshold smoothed ink (0 = white, 1 = the element's full colour) that a blob must reach somewhere
 * @param growThreshold smoothed ink a pixel needs to join a blob that reached inkThreshold (hysteresis)
 * @param minArea      blobs smaller than this many pixels are specks and ignored
 * @param maskDilation the blob's mask is widened by this much before cropping, to keep its soft rim
 * @param cropSide     side of the window around a blob's centre that the classifier sees
 * @param cropPixels   the window is resampled to cropPixels x cropPixels
 */
public record SegmenterConfig(double inkThreshold, double growThreshold, double minArea, double maskDilation, double cropSide, int cropPixels) {
    public static final int WORLD = 64;
    public static final SegmenterConfig DEFAULT = new SegmenterConfig(0.4, 0.2, 8, 2, 32, 32);

    public SegmenterConfig {
        if (!(inkThreshold > 0 && inkThreshold < 1)) throw new IllegalArgumentException("inkThreshold must be in (0, 1), found " + inkThreshold);
        if (!(growThreshold > 0 && growThreshold <= inkThreshold)) {
            throw new IllegalArgumentException("growThreshold must be in (0, inkThreshold], found " + growThreshold);
        }
        if (!(minArea >= 1)) throw new IllegalArgumentException("minArea must be at least 1 pixel, found " + minArea);
        if (!(maskDilation >= 0 && maskDilation <= 8)) throw new IllegalArgumentException("maskDilation must be in [0, 8], found " + maskDilation);
        if (!(cropSide >= 8 && cropSide <= WORLD)) throw new IllegalArgumentException("cropSide must be in [8, 64], found " + cropSide);
        if (cropPixels < 8 || cropPixels > 128) throw new IllegalArgumentException("cropPixels must be in 8..128, found " + cropPixels);
    }

    /** Image pixels per world pixel: the world is a square of side 64, measured on the shorter image side. */
    public static double scale(int width, int height) {
        return Math.min(width, height) / (double) WORLD;
    }
}
