package dev.originality.shapes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * DatasetSpec as JSON, in caption words:
 * <pre>{"name": "my-split", "shapes": ["circle", …], "colors": ["red", …], "sizes": ["big"],
 *  "textures": ["full"], "held_out": ["big red full square"], "empty_fraction": 0.1,
 *  "max_elements": 4, "pairs": [{"group": "common", "shapes": ["circle", "square"], "fraction": 0.3}],
 *  "fixed_location": false, "gap_fraction": 0.03125}</pre>
 * Omitted fields take the defaults of {@link DatasetSpec} (an omitted dimension spans all its values);
 * unknown fields are an error.
 */
public final class SpecJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("name", "shapes", "colors", "sizes", "textures", "held_out",
            "empty_fraction", "max_elements", "pairs", "fixed_location", "gap_fraction");

    private SpecJson() {}

    public static DatasetSpec read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static DatasetSpec parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("spec is not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("spec must be a JSON object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown spec field '" + f + "': expected one of " + new java.util.TreeSet<>(FIELDS));
            }
        }
        List<PairRule> pairs = new ArrayList<>();
        for (JsonNode p : array(n, "pairs")) {
            List<Shape> s = words(p.path("shapes"), Shape::parse, "pairs[].shapes");
            if (s.size() != 2) throw new IllegalArgumentException("a pair needs exactly 2 shapes, found " + s.size());
            pairs.add(new PairRule(p.path("group").asText(""), s.get(0), s.get(1), p.path("fraction").asDouble(-1)));
        }
        return new DatasetSpec(
                n.path("name").asText("custom"),
                orAll(words(n.path("shapes"), Shape::parse, "shapes"), Shape.values()),
                orAll(words(n.path("colors"), Colour::parse, "colors"), Colour.values()),
                orAll(words(n.path("sizes"), Size::parse, "sizes"), Size.values()),
                orAll(words(n.path("textures"), Texture::parse, "textures"), Texture.values()),
                words(n.path("held_out"), Element::parse, "held_out"),
                n.path("empty_fraction").asDouble(DatasetSpec.DEFAULT_EMPTY_FRACTION),
                n.path("max_elements").asInt(DatasetSpec.DEFAULT_MAX_ELEMENTS),
                pairs,
                n.path("fixed_location").asBoolean(false),
                n.path("gap_fraction").asDouble(DatasetSpec.DEFAULT_GAP_FRACTION));
    }

    public static ObjectNode toJson(DatasetSpec s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        s.shapes().forEach(v -> n.withArray("shapes").add(v.word()));
        s.colours().forEach(v -> n.withArray("colors").add(v.word()));
        s.sizes().forEach(v -> n.withArray("sizes").add(v.word()));
        s.textures().forEach(v -> n.withArray("textures").add(v.word()));
        ArrayNode held = n.putArray("held_out");
        s.heldOut().forEach(e -> held.add(e.phrase()));
        n.put("empty_fraction", s.emptyFraction());
        n.put("max_elements", s.maxElements());
        ArrayNode pairs = n.putArray("pairs");
        for (PairRule p : s.pairs()) {
            ObjectNode o = pairs.addObject();
            o.put("group", p.group());
            o.putArray("shapes").add(p.a().word()).add(p.b().word());
            o.put("fraction", p.fraction());
        }
        n.put("fixed_location", s.fixedLocation());
        n.put("gap_fraction", s.gapFraction());
        return n;
    }

    /** An omitted dimension spans all its values. */
    private static <T> List<T> orAll(List<T> given, T[] all) {
        return given.isEmpty() ? List.of(all) : given;
    }

    private static Iterable<JsonNode> array(JsonNode n, String field) {
        JsonNode a = n.path(field);
        if (a.isMissingNode() || a.isNull()) return List.of();
        if (!a.isArray()) throw new IllegalArgumentException("spec field '" + field + "' must be an array");
        return a;
    }

    private static <T> List<T> words(JsonNode a, Function<String, T> parse, String field) {
        List<T> out = new ArrayList<>();
        if (a.isMissingNode() || a.isNull()) return out;
        if (!a.isArray()) throw new IllegalArgumentException("spec field '" + field + "' must be an array of strings");
        for (JsonNode w : a) {
            if (!w.isTextual()) throw new IllegalArgumentException("spec field '" + field + "' must hold strings, found " + w);
            out.add(parse.apply(w.asText()));
        }
        return out;
    }
}
