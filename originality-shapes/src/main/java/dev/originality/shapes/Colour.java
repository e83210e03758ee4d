package dev.originality.shapes;

/** The three colours of the synthetic world, with the RGB value the renderer paints. */
public enum Colour {
    RED(0xDC1414), GREEN(0x14A014), BLUE(0x1414DC);

    /** 0xRRGGBB. Saturated and far apart so that a blurred, generated element keeps its hue. */
    public final int rgb;

    Colour(int rgb) {
        this.rgb = rgb;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Colour parse(String word) {
        return Words.parse(Colour.class, word, "color");
    }
}
