package dev.originality.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One element of the synthetic world: 5 shapes x 3 colours x 2 sizes x 2 textures = 60 elements.
 * Its caption phrase is "size colour texture shape", e.g. "big red full circle" (paper App. B).
 */
public record Element(Shape shape, Colour colour, Size size, Texture texture) implements Comparable<Element> {

    public Element {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(texture, "texture");
    }

    /** All 60 elements, in a fixed order (shape, colour, size, texture). */
    public static List<Element> all() {
        List<Element> out = new ArrayList<>(60);
        for (Shape s : Shape.values())
            for (Colour c : Colour.values())
                for (Size z : Size.values())
                    for (Texture t : Texture.values()) out.add(new Element(s, c, z, t));
        return List.copyOf(out);
    }

    /** The caption phrase, "size colour texture shape". */
    public String phrase() {
        return size.word() + " " + colour.word() + " " + texture.word() + " " + shape.word();
    }

    /** Parses "size colour texture shape" (exactly four words, case-insensitive). */
    public static Element parse(String phrase) {
        String[] w = phrase.trim().split("\\s+");
        if (w.length != 4) {
            throw new IllegalArgumentException("expected an element as 'size colour texture shape' "
                    + "(e.g. 'big red full circle'), found '" + phrase.trim() + "'");
        }
        return new Element(Shape.parse(w[3]), Colour.parse(w[1]), Size.parse(w[0]), Texture.parse(w[2]));
    }

    @Override
    public int compareTo(Element o) {
        int c = shape.compareTo(o.shape);
        if (c == 0) c = colour.compareTo(o.colour);
        if (c == 0) c = size.compareTo(o.size);
        if (c == 0) c = texture.compareTo(o.texture);
        return c;
    }

    @Override
    public String toString() {
        return phrase();
    }
}
