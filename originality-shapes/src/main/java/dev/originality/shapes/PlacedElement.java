package dev.originality.shapes;

/**
 * An element at a position: centre (cx, cy) and nominal radius r in pixels. The outline geometry
 * lives in {@link Geometry}; {@code bbox} is the pixel box [x0, y0, x1, y1) that the rendered
 * element covers, stroke included.
 */
public record PlacedElement(Element element, double cx, double cy, double radius, int[] bbox) {

    public PlacedElement {
        if (bbox.length != 4) throw new IllegalArgumentException("bbox needs 4 values, found " + bbox.length);
        bbox = bbox.clone();
    }

    @Override
    public int[] bbox() {
        return bbox.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlacedElement p && p.element.equals(element) && p.cx == cx && p.cy == cy
                && p.radius == radius && java.util.Arrays.equals(p.bbox, bbox);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(element, cx, cy, radius, java.util.Arrays.hashCode(bbox));
    }
}
