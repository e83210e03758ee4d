package dev.originality.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One metadata.jsonl line (Hugging Face imagefolder, with our ground truth as extra fields):
 * {"file_name": "images/000123.png", "text": "…", "group": "common", "elements": [{"shape": "circle",
 * "color": "red", "size": "big", "texture": "full", "bbox": [x0, y0, x1, y1], "center": [cx, cy],
 * "radius": r}]}.
 */
public final class Metadata {
    static final ObjectMapper JSON = new ObjectMapper();

    private Metadata() {}

    public static String line(ImageRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("file_name", r.fileName());
        n.put("text", r.text());
        n.put("group", r.group());
        ArrayNode els = n.putArray("elements");
        for (PlacedElement p : r.elements()) {
            ObjectNode o = els.addObject();
            Element e = p.element();
            o.put("shape", e.shape().word());
            o.put("color", e.colour().word());
            o.put("size", e.size().word());
            o.put("texture", e.texture().word());
            ArrayNode b = o.putArray("bbox");
            for (int v : p.bbox()) b.add(v);
            o.putArray("center").add(round(p.cx())).add(round(p.cy()));
            o.put("radius", round(p.radius()));
        }
        return n.toString();
    }

    /** Parses one line; {@code where} names it in errors ("metadata.jsonl line 12"). */
    public static ImageRecord parse(String line, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException(where + ": not valid JSON");
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(where + ": expected a JSON object");
        String file = text(n, "file_name", where);
        String caption = text(n, "text", where);
        try {
            String group = n.path("group").asText(caption.isEmpty() ? Scene.EMPTY : Scene.OTHER);
            List<PlacedElement> els = new ArrayList<>();
            JsonNode arr = n.path("elements");
            if (arr.isArray()) {
                for (JsonNode o : arr) {
                    Element e = new Element(Shape.parse(o.path("shape").asText()), Colour.parse(o.path("color").asText()),
                            Size.parse(o.path("size").asText()), Texture.parse(o.path("texture").asText()));
                    JsonNode b = o.path("bbox"), c = o.path("center");
                    if (!b.isArray() || b.size() != 4) throw new IllegalArgumentException(where + ": element bbox must be [x0, y0, x1, y1]");
                    int[] bbox = {b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt()};
                    double cx = c.isArray() && c.size() == 2 ? c.get(0).asDouble() : (bbox[0] + bbox[2]) / 2.0;
                    double cy = c.isArray() && c.size() == 2 ? c.get(1).asDouble() : (bbox[1] + bbox[3]) / 2.0;
                    els.add(new PlacedElement(e, cx, cy, o.path("radius").asDouble(0), bbox));
                }
            } else {
                // A plain imagefolder without our ground truth: elements from the caption, no geometry.
                for (Element e : Caption.parse(caption)) els.add(new PlacedElement(e, 0, 0, 0, new int[4]));
            }
            return new ImageRecord(file, caption, group, els);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) throw e;
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e); // unknown words name the line
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(where + ": missing string field '" + field + "'");
        return v.asText();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
