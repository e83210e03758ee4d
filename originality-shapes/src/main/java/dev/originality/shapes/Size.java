package dev.originality.shapes;

/** Element size; the radius is a fraction of the image side so that it scales with resolution. */
public enum Size {
    BIG(0.125), SMALL(0.085);

    /** Nominal radius as a fraction of the image side (8.0 px and 5.4 px at 64x64; six big elements must fit in one image). */
    public final double radiusFraction;

    Size(double radiusFraction) {
        this.radiusFraction = radiusFraction;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Size parse(String word) {
        return Words.parse(Size.class, word, "size");
    }
}
