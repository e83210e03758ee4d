package dev.originality.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Frequency tables of a dataset: images per group, per element (images holding it at least
 * once, and total occurrences), and per unordered shape pair (images holding both shapes).
 * These are the "how often did the model see it" numbers the originality study rests on.
 */
public final class DatasetStats {
    private long images;
    private final Map<String, Long> groups = new TreeMap<>();
    private final Map<String, Long> elementImages = new TreeMap<>();
    private final Map<String, Long> elementOccurrences = new TreeMap<>();
    private final Map<String, Long> shapePairImages = new TreeMap<>();

    public void add(Scene scene) {
        images++;
        groups.merge(scene.group(), 1L, Long::sum);
        List<Element> els = scene.elementList();
        els.forEach(e -> elementOccurrences.merge(e.phrase(), 1L, Long::sum));
        els.stream().distinct().forEach(e -> elementImages.merge(e.phrase(), 1L, Long::sum));
        EnumSet<Shape> shapes = EnumSet.noneOf(Shape.class);
        els.forEach(e -> shapes.add(e.shape()));
        for (Shape a : shapes)
            for (Shape b : shapes)
                if (a.ordinal() < b.ordinal()) shapePairImages.merge(a.word() + "+" + b.word(), 1L, Long::sum);
    }

    public long images() {
        return images;
    }

    public long group(String g) {
        return groups.getOrDefault(g, 0L);
    }

    public long shapePair(Shape a, Shape b) {
        Shape x = a.ordinal() < b.ordinal() ? a : b, y = x == a ? b : a;
        return shapePairImages.getOrDefault(x.word() + "+" + y.word(), 0L);
    }

    public long elementImages(Element e) {
        return elementImages.getOrDefault(e.phrase(), 0L);
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("images", images);
        ObjectNode g = n.putObject("groups");
        groups.forEach(g::put);
        ObjectNode ei = n.putObject("element_images");
        elementImages.forEach(ei::put);
        ObjectNode eo = n.putObject("element_occurrences");
        elementOccurrences.forEach(eo::put);
        ObjectNode sp = n.putObject("shape_pair_images");
        shapePairImages.forEach(sp::put);
        return n;
    }
}
