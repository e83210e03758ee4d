package dev.originality.shapes;

import java.util.List;

/** One line of an imagefolder's metadata.jsonl: file (relative to the folder), caption, ground truth. */
public record ImageRecord(String fileName, String text, String group, List<PlacedElement> elements) {
    public ImageRecord {
        elements = List.copyOf(elements);
    }

    public List<Element> elementList() {
        return elements.stream().map(PlacedElement::element).toList();
    }
}
