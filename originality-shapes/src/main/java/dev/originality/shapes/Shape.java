package dev.originality.shapes;

/** The five shape types of the synthetic world (paper §2, App. B). */
public enum Shape {
    CIRCLE, SQUARE, TRIANGLE, HEXAGON, STAR;

    /** The caption word, e.g. "circle". */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Shape parse(String word) {
        return Words.parse(Shape.class, word, "shape");
    }
}
