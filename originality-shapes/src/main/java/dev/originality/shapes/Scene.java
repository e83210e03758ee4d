package dev.originality.shapes;

import java.util.List;

/** One image's ground truth: its placed elements and its frequency group. */
public record Scene(List<PlacedElement> elements, String group) {
    public static final String EMPTY = "empty";
    public static final String OTHER = "other";

    public Scene {
        elements = List.copyOf(elements);
    }

    public List<Element> elementList() {
        return elements.stream().map(PlacedElement::element).toList();
    }

    public String caption() {
        return Caption.of(elementList());
    }
}
