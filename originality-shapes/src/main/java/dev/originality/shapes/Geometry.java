package dev.originality.shapes;

import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * Outlines of the five shapes around a centre, and their extents. All shapes of one size have a
 * similar visual area; the extent (distance from centre to the farthest outline point) is what
 * the non-overlap rule uses.
 */
public final class Geometry {
    private Geometry() {}

    /** Farthest outline point from the centre, as a multiple of the nominal radius. */
    public static double extentFactor(Shape shape) {
        return switch (shape) {
            case CIRCLE -> 1.0;
            case SQUARE -> 0.85 * Math.sqrt(2);
            case TRIANGLE -> 1.15;
            case HEXAGON -> 1.05;
            case STAR -> 1.15;
        };
    }

    /** Outline width of an EMPTY element of nominal radius r: a fifth of r, at least 1.5 px (1.6 and 1.5 px at 64x64). */
    public static double outlineWidth(double r) {
        return Math.max(1.5, 0.2 * r);
    }

    /**
     * What gets painted: the whole silhouette for FULL, and for EMPTY the band of the silhouette
     * within {@link #outlineWidth} of its edge. The band lies inside the silhouette, so an empty
     * element has exactly the extent and bbox of its full twin (a centred stroke would not, and
     * its mitres would poke out of a triangle's corners).
     */
    public static java.awt.Shape painted(Element e, double cx, double cy, double r) {
        java.awt.Shape s = outline(e.shape(), cx, cy, r);
        if (e.texture() == Texture.FULL) return s;
        java.awt.geom.Area interior = new java.awt.geom.Area(s);
        interior.subtract(new java.awt.geom.Area(new java.awt.BasicStroke((float) (2 * outlineWidth(r)),
                java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER).createStrokedShape(s)));
        java.awt.geom.Area band = new java.awt.geom.Area(s);
        band.subtract(interior);
        return band;
    }

    public static java.awt.Shape outline(Shape shape, double cx, double cy, double r) {
        return switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - 0.85 * r, cy - 0.85 * r, 1.7 * r, 1.7 * r);
            // Equilateral, pointing up, centred on its centroid.
            case TRIANGLE -> polygon(cx, cy, 1.15 * r, 3, -Math.PI / 2, 1.0);
            // Flat top and bottom.
            case HEXAGON -> polygon(cx, cy, 1.05 * r, 6, 0, 1.0);
            // Five points, inner radius half the outer (a thin star would have no room for an empty interior).
            case STAR -> polygon(cx, cy, 1.15 * r, 5, -Math.PI / 2, 0.5);
        };
    }

    /** A regular polygon (innerRatio = 1) or star (innerRatio < 1) with its first vertex at angle0. */
    private static Path2D polygon(double cx, double cy, double r, int points, double angle0, double innerRatio) {
        Path2D.Double p = new Path2D.Double();
        int n = innerRatio < 1 ? 2 * points : points;
        for (int i = 0; i < n; i++) {
            double a = angle0 + 2 * Math.PI * i / n;
            double rr = (innerRatio < 1 && i % 2 == 1) ? r * innerRatio : r;
            double x = cx + rr * Math.cos(a), y = cy + rr * Math.sin(a);
            if (i == 0) p.moveTo(x, y); else p.lineTo(x, y);
        }
        p.closePath();
        return p;
    }

    /** The pixel box [x0, y0, x1, y1) covered by an element, antialiased edge pixels included. */
    public static int[] bbox(Element e, double cx, double cy, double r, int imageSize) {
        Rectangle2D b = outline(e.shape(), cx, cy, r).getBounds2D();
        int x0 = (int) Math.floor(b.getMinX()), y0 = (int) Math.floor(b.getMinY());
        int x1 = (int) Math.ceil(b.getMaxX()), y1 = (int) Math.ceil(b.getMaxY());
        return new int[] {clamp(x0, imageSize), clamp(y0, imageSize), clamp(x1, imageSize), clamp(y1, imageSize)};
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }
}
