package dev.originality.measure.detect;

import dev.originality.shapes.Colour;
import dev.originality.shapes.Element;
import dev.originality.shapes.Shape;
import dev.originality.shapes.Size;
import dev.originality.shapes.Texture;

/**
 * One detected element: its class, its pixel box [x0, y0, x1, y1) and a confidence in [0, 1]
 * (the product of the classifier's probabilities for the chosen shape, size and texture and the
 * colour purity of the blob).
 */
public record Detection(Element element, int[] bbox, double confidence) {

    public Detection {
        java.util.Objects.requireNonNull(element, "element");
        if (bbox.length != 4) throw new IllegalArgumentException("bbox needs 4 values, found " + bbox.length);
        if (!(confidence >= 0 && confidence <= 1)) throw new IllegalArgumentException("confidence must be in [0, 1], found " + confidence);
        bbox = bbox.clone();
    }

    @Override
    public int[] bbox() {
        return bbox.clone();
    }

    public Shape shape() {
        return element.shape();
    }

    public Colour colour() {
        return element.colour();
    }

    public Size size() {
        return element.size();
    }

    public Texture texture() {
        return element.texture();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Detection d && d.element.equals(element) && java.util.Arrays.equals(d.bbox, bbox)
                && d.confidence == confidence;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(element, java.util.Arrays.hashCode(bbox), confidence);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s [%d,%d,%d,%d) %.3f", element.phrase(), bbox[0], bbox[1], bbox[2], bbox[3], confidence);
    }
}
