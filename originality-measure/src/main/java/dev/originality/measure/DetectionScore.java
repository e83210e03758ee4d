package dev.originality.measure;

import dev.originality.measure.detect.Detection;
import dev.originality.shapes.PlacedElement;
import dev.originality.shapes.Scene;

import java.util.List;
import java.util.Locale;

/**
 * Running scores of a detector against ground truth over many images: exact element-multiset
 * match per image, per-attribute accuracy per truth element (a missed element counts as wrong
 * in every attribute), and precision of the detections.
 */
public final class DetectionScore {
    private long images, exact, truths, shape, colour, size, texture, all, detections, correctDetections, emptyWithDetections;

    public void add(List<Detection> found, Scene truth) {
        images++;
        if (ElementSets.sameMultiset(ElementSets.elements(found), truth.elementList())) exact++;
        if (truth.elements().isEmpty() && !found.isEmpty()) emptyWithDetections++;
        ElementMatcher.Matching m = ElementMatcher.match(found, truth.elements());
        truths += truth.elements().size();
        detections += found.size();
        for (ElementMatcher.Pair p : m.pairs()) {
            if (p.shapeOk()) shape++;
            if (p.colourOk()) colour++;
            if (p.sizeOk()) size++;
            if (p.textureOk()) texture++;
            if (p.allOk()) { all++; correctDetections++; }
        }
    }

    public long images() { return images; }
    public long detections() { return detections; }
    public double exactMatch() { return ratio(exact, images); }
    public double shapeAccuracy() { return ratio(shape, truths); }
    public double colourAccuracy() { return ratio(colour, truths); }
    public double sizeAccuracy() { return ratio(size, truths); }
    public double textureAccuracy() { return ratio(texture, truths); }
    /** Truth elements found with all four attributes right. */
    public double elementAccuracy() { return ratio(all, truths); }
    /** Detections that sit on a truth element and name it exactly. */
    public double precision() { return ratio(correctDetections, detections); }
    public long emptyImagesWithDetections() { return emptyWithDetections; }

    /** The lowest of the four per-attribute accuracies. */
    public double minAttributeAccuracy() {
        return Math.min(Math.min(shapeAccuracy(), colourAccuracy()), Math.min(sizeAccuracy(), textureAccuracy()));
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 1 : a / (double) b;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "images %d, exact match %.2f%%, attribute accuracy shape %.2f%% colour %.2f%% size %.2f%% "
                        + "texture %.2f%% (all four %.2f%%), detections %d, precision %.2f%%",
                images, 100 * exactMatch(), 100 * shapeAccuracy(), 100 * colourAccuracy(), 100 * sizeAccuracy(),
                100 * textureAccuracy(), 100 * elementAccuracy(), detections, 100 * precision());
    }
}
