package dev.originality.shapes;

import java.util.ArrayList;
import java.util.List;

/** Captions: element phrases joined by " and "; the empty image's caption is "". */
public final class Caption {
    public static final String SEPARATOR = " and ";

    private Caption() {}

    public static String of(List<Element> elements) {
        StringBuilder sb = new StringBuilder();
        for (Element e : elements) {
            if (sb.length() > 0) sb.append(SEPARATOR);
            sb.append(e.phrase());
        }
        return sb.toString();
    }

    /** The element multiset of a caption, in caption order. Inverse of {@link #of}. */
    public static List<Element> parse(String caption) {
        List<Element> out = new ArrayList<>();
        if (caption.isBlank()) return out;
        for (String phrase : caption.trim().split("\\s+and\\s+")) out.add(Element.parse(phrase));
        return out;
    }
}
