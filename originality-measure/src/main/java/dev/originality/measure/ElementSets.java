package dev.originality.measure;

import dev.originality.measure.detect.Detection;
import dev.originality.shapes.Element;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Elements as multisets: what "the image holds the same elements" means for scoring (paper §4.3). */
public final class ElementSets {
    private ElementSets() {}

    /** How often each element occurs, in the elements' natural order. */
    public static Map<Element, Integer> counts(Collection<Element> elements) {
        Map<Element, Integer> m = new TreeMap<>();
        for (Element e : elements) m.merge(e, 1, Integer::sum);
        return m;
    }

    public static int count(Collection<Element> elements, Element e) {
        int n = 0;
        for (Element x : elements) if (x.equals(e)) n++;
        return n;
    }

    /** True when both hold the same elements (shape, colour, size, texture) the same number of times. */
    public static boolean sameMultiset(Collection<Element> a, Collection<Element> b) {
        return a.size() == b.size() && counts(a).equals(counts(b));
    }

    public static List<Element> elements(Collection<Detection> detections) {
        return detections.stream().map(Detection::element).toList();
    }

    /** Elements of {@code a} not matched by one in {@code b} (multiset difference a − b), sorted. */
    public static List<Element> minus(Collection<Element> a, Collection<Element> b) {
        Map<Element, Integer> left = counts(a);
        for (Element e : b) left.computeIfPresent(e, (k, v) -> v > 1 ? v - 1 : null);
        List<Element> out = new ArrayList<>();
        left.forEach((e, n) -> { for (int i = 0; i < n; i++) out.add(e); });
        return out;
    }
}
