package dev.originality.shapes;

import java.util.List;
import java.util.Locale;

/**
 * Named dataset specs. The spanning sets of the generalization study (paper §2, Fig. 2, App. B.2):
 * <ul>
 *   <li>span-60: all 5 shapes x 3 colours x 2 sizes x 2 textures;</li>
 *   <li>span-30: size fixed, texture free; span-15: size and texture fixed;</li>
 *   <li>span-8: {square, circle} x {red, blue} x 2 textures, size fixed;</li>
 *   <li>span-4: {square, circle} x {red, blue}, size and texture fixed.</li>
 * </ul>
 * The variant (big-full, big-empty, small-full, small-empty; default big-full) gives the fixed
 * values and the held-out pair's size and texture; the default held-out pair is the red square
 * and the blue circle, so span-4 big-full trains on blue squares and red circles.
 * The originality study (App. E.1) and its fixed-location ablation (App. C) have their own presets.
 */
public final class Presets {
    public static final List<String> NAMES = List.of("span-4", "span-8", "span-15", "span-30", "span-60",
            "originality", "fixed-location");
    public static final List<String> VARIANTS = List.of("big-full", "big-empty", "small-full", "small-empty");

    private Presets() {}

    public static DatasetSpec get(String name) {
        return get(name, "big-full");
    }

    public static DatasetSpec get(String name, String variant) {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("unknown variant '" + variant + "': expected one of " + String.join(", ", VARIANTS));
        }
        String[] v = variant.split("-");
        Size size = Size.parse(v[0]);
        Texture texture = Texture.parse(v[1]);
        List<Shape> all = List.of(Shape.values());
        List<Colour> rgb = List.of(Colour.values());
        List<Shape> sc = List.of(Shape.SQUARE, Shape.CIRCLE);
        List<Colour> rb = List.of(Colour.RED, Colour.BLUE);
        List<Size> sizes = List.of(Size.values());
        List<Texture> textures = List.of(Texture.values());
        List<Element> heldOut = List.of(new Element(Shape.SQUARE, Colour.RED, size, texture),
                new Element(Shape.CIRCLE, Colour.BLUE, size, texture));
        String full = name + (name.startsWith("span-") ? "/" + variant : "");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "span-60" -> span(full, all, rgb, sizes, textures, heldOut);
            case "span-30" -> span(full, all, rgb, List.of(size), textures, heldOut);
            case "span-15" -> span(full, all, rgb, List.of(size), List.of(texture), heldOut);
            case "span-8" -> span(full, sc, rb, List.of(size), textures, heldOut);
            case "span-4" -> span(full, sc, rb, List.of(size), List.of(texture), heldOut);
            case "originality" -> originality("originality", false);
            case "fixed-location" -> originality("fixed-location", true);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': expected one of "
                    + String.join(", ", NAMES));
        };
    }

    private static DatasetSpec span(String name, List<Shape> shapes, List<Colour> colours, List<Size> sizes,
                                    List<Texture> textures, List<Element> heldOut) {
        return new DatasetSpec(name, shapes, colours, sizes, textures, heldOut, DatasetSpec.DEFAULT_EMPTY_FRACTION,
                DatasetSpec.DEFAULT_MAX_ELEMENTS, List.of(), false, DatasetSpec.DEFAULT_GAP_FRACTION);
    }

    /** App. E.1: all shapes and colours, big and full; common 30%, rare 0.1%, unseen never. */
    private static DatasetSpec originality(String name, boolean fixedLocation) {
        List<PairRule> pairs = List.of(
                new PairRule("common", Shape.CIRCLE, Shape.SQUARE, 0.30),
                new PairRule("rare", Shape.CIRCLE, Shape.TRIANGLE, 0.001),
                new PairRule("unseen", Shape.SQUARE, Shape.TRIANGLE, 0.0));
        return new DatasetSpec(name, List.of(Shape.values()), List.of(Colour.values()), List.of(Size.BIG),
                List.of(Texture.FULL), List.of(), DatasetSpec.DEFAULT_EMPTY_FRACTION, DatasetSpec.DEFAULT_MAX_ELEMENTS,
                pairs, fixedLocation, DatasetSpec.DEFAULT_GAP_FRACTION);
    }
}
