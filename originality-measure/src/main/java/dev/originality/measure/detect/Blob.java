package dev.originality.measure.detect;

import dev.originality.shapes.Colour;

/**
 * A connected set of pixels of one colour: a candidate element.
 *
 * @param pixels indices y * width + x of its pixels
 * @param bbox   [x0, y0, x1, y1) in image pixels
 * @param purity share of the ink on its pixels that is of its own colour
 */
public record Blob(Colour colour, int[] pixels, int[] bbox, double purity) {
    public int area() {
        return pixels.length;
    }

    public double centreX() {
        return (bbox[0] + bbox[2]) / 2.0;
    }

    public double centreY() {
        return (bbox[1] + bbox[3]) / 2.0;
    }
}
