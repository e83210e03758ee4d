package dev.originality.shapes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a synthetic dataset contains (paper §2, App. B, C, E.1). The vocabulary is the cross
 * product of the listed shapes, colours, sizes and textures minus {@code heldOut}.
 *
 * <p>Image recipe: with probability {@code emptyFraction} an empty image; else with each pair
 * rule's {@code fraction} an image holding that pair (plus 0..maxElements-2 elements whose shapes
 * are in no pair); else 1..maxElements elements with at most one element whose shape belongs to a
 * pair ("other"). Placement: centres uniform, and two elements never come closer than the sum of
 * their extents plus {@code gapFraction} of the image side (no overlap, no touching).
 *
 * @param fixedLocation App. C ablation: the first pair's elements always sit at fixed positions.
 */
public record DatasetSpec(
        String name,
        List<Shape> shapes,
        List<Colour> colours,
        List<Size> sizes,
        List<Texture> textures,
        List<Element> heldOut,
        double emptyFraction,
        int maxElements,
        List<PairRule> pairs,
        boolean fixedLocation,
        double gapFraction) {

    /** Paper App. B: 10% of images are empty. */
    public static final double DEFAULT_EMPTY_FRACTION = 0.10;
    /** Paper App. B: n = 4 (6 allowed). */
    public static final int DEFAULT_MAX_ELEMENTS = 4;
    /** 2 px at 64x64. */
    public static final double DEFAULT_GAP_FRACTION = 1.0 / 32;
    /** Fixed centres of the first pair's elements in the fixed-location ablation, as fractions of the side. */
    public static final double[][] FIXED_CENTRES = {{0.22, 0.22}, {0.78, 0.78}};

    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        shapes = distinct(shapes, "shapes");
        colours = distinct(colours, "colors");
        sizes = distinct(sizes, "sizes");
        textures = distinct(textures, "textures");
        heldOut = List.copyOf(heldOut == null ? List.of() : heldOut);
        pairs = List.copyOf(pairs == null ? List.of() : pairs);
        if (!(emptyFraction >= 0 && emptyFraction < 1)) {
            throw new IllegalArgumentException("emptyFraction must be in [0, 1), found " + emptyFraction);
        }
        if (maxElements < 1 || maxElements > 8) {
            throw new IllegalArgumentException("maxElements must be in 1..8, found " + maxElements);
        }
        if (!(gapFraction >= 0 && gapFraction < 0.25)) {
            throw new IllegalArgumentException("gapFraction must be in [0, 0.25), found " + gapFraction);
        }
        double pairTotal = 0;
        Set<String> groups = new LinkedHashSet<>();
        for (PairRule p : pairs) {
            pairTotal += p.fraction();
            if (!groups.add(p.group())) throw new IllegalArgumentException("pair group '" + p.group() + "' is defined twice");
        }
        if (emptyFraction + pairTotal > 1 + 1e-12) {
            throw new IllegalArgumentException("emptyFraction plus pair fractions must be at most 1, found "
                    + (emptyFraction + pairTotal));
        }
        List<Element> cross = crossProduct(shapes, colours, sizes, textures);
        for (Element h : heldOut) {
            if (!cross.contains(h)) {
                throw new IllegalArgumentException("held-out element '" + h + "' is not in the spec's cross product of "
                        + "shapes " + words(shapes) + ", colors " + words(colours) + ", sizes " + words(sizes)
                        + ", textures " + words(textures));
            }
        }
        if (heldOut.containsAll(cross)) {
            throw new IllegalArgumentException("the spec holds out all " + cross.size() + " of its elements: nothing is left to draw");
        }
        if (pairs.stream().anyMatch(p -> p.fraction() > 0) && maxElements < 2) {
            throw new IllegalArgumentException("pair rules need maxElements >= 2, found " + maxElements);
        }
        for (PairRule p : pairs) {
            if (p.fraction() > 0) {
                List<Element> vocab = new ArrayList<>(cross);
                vocab.removeAll(heldOut);
                for (Shape s : List.of(p.a(), p.b())) {
                    if (vocab.stream().noneMatch(e -> e.shape() == s)) {
                        throw new IllegalArgumentException("pair '" + p.group() + "' needs shape " + s.word()
                                + " but the spec has no such element");
                    }
                }
            }
        }
    }

    /** The elements that may appear in images: the cross product minus the held-out ones. */
    public List<Element> vocabulary() {
        List<Element> v = new ArrayList<>(crossProduct(shapes, colours, sizes, textures));
        v.removeAll(heldOut);
        return List.copyOf(v);
    }

    /** Shapes of which an "other" image may hold at most one element: every shape named in a pair. */
    public Set<Shape> exclusiveShapes() {
        EnumSet<Shape> s = EnumSet.noneOf(Shape.class);
        for (PairRule p : pairs) {
            s.add(p.a());
            s.add(p.b());
        }
        return s;
    }

    public PairRule pair(String group) {
        return pairs.stream().filter(p -> p.group().equals(group)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown group '" + group + "': expected one of "
                        + String.join(", ", pairs.stream().map(PairRule::group).toList())));
    }

    public DatasetSpec withHeldOut(List<Element> h) {
        return new DatasetSpec(name, shapes, colours, sizes, textures, h, emptyFraction, maxElements, pairs, fixedLocation, gapFraction);
    }

    public DatasetSpec withMaxElements(int n) {
        return new DatasetSpec(name, shapes, colours, sizes, textures, heldOut, emptyFraction, n, pairs, fixedLocation, gapFraction);
    }

    static List<Element> crossProduct(List<Shape> shapes, List<Colour> colours, List<Size> sizes, List<Texture> textures) {
        List<Element> out = new ArrayList<>();
        for (Shape s : shapes)
            for (Colour c : colours)
                for (Size z : sizes)
                    for (Texture t : textures) out.add(new Element(s, c, z, t));
        return out;
    }

    private static <T> List<T> distinct(List<T> values, String what) {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException("spec needs at least one value in '" + what + "'");
        if (new LinkedHashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException("spec lists a value twice in '" + what + "': " + values);
        }
        return List.copyOf(values);
    }

    private static String words(List<? extends Enum<?>> values) {
        return values.stream().map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toList().toString();
    }
}
