package dev.originality.diffusion.models.blocks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.BoundedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reading and writing diffusers {@code config.json} files: typed field access with defaults and
 * errors that name the file, the field, what was expected and what was found. Unknown fields are
 * ignored, as diffusers does.
 */
public final class ConfigJson {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The diffusers version whose semantics (and config layout) we follow. */
    public static final String DIFFUSERS_VERSION = "0.31.0";

    private final JsonNode root;
    private final String where;

    public ConfigJson(JsonNode root, String where) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException(where + ": expected a JSON object");
        this.root = root;
        this.where = where;
    }

    public static ConfigJson read(Path file) throws IOException {
        String where = "config '" + file + "'";
        if (!Files.exists(file)) throw new IllegalArgumentException(where + ": file not found");
        String text = BoundedFiles.readUtf8(file, BoundedFiles.MAX_CONFIG_BYTES, "config");
        try {
            return new ConfigJson(JSON.readTree(text), where);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** Writes atomically: a temporary file renamed over the target. */
    public static void write(ObjectNode node, Path file) throws IOException {
        dev.originality.diffusion.io.AtomicFiles.writeString(file, JSON.writeValueAsString(node) + "\n");
    }

    public String where() {
        return where;
    }

    /** Fails unless {@code _class_name} is absent or equals {@code expected}. */
    public void requireClass(String expected) {
        JsonNode n = root.get("_class_name");
        if (n != null && !n.isNull() && !n.asText().equals(expected)) {
            throw new IllegalArgumentException(where + ": expected _class_name '" + expected + "', found '" + n.asText() + "'");
        }
    }

    private JsonNode field(String name) {
        JsonNode n = root.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public int integer(String name, int dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw wrong(name, "an integer", n);
        return n.intValue();
    }

    public Integer optionalInteger(String name) {
        return field(name) == null ? null : integer(name, 0);
    }

    public double number(String name, double dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.isNumber()) throw wrong(name, "a number", n);
        return n.doubleValue();
    }

    public Double optionalNumber(String name) {
        return field(name) == null ? null : number(name, 0);
    }

    public boolean bool(String name, boolean dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.isBoolean()) throw wrong(name, "true or false", n);
        return n.booleanValue();
    }

    public String text(String name, String dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.isTextual()) throw wrong(name, "a string", n);
        return n.textValue();
    }

    public List<String> texts(String name, List<String> dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.isArray()) throw wrong(name, "an array of strings", n);
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) throw wrong(name, "an array of strings", n);
            out.add(e.textValue());
        }
        return List.copyOf(out);
    }

    public List<Integer> integers(String name, List<Integer> dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (!n.isArray()) throw wrong(name, "an array of integers", n);
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) throw wrong(name, "an array of integers", n);
            out.add(e.intValue());
        }
        return List.copyOf(out);
    }

    /** diffusers' "int or per-block list" fields: an integer becomes {@code count} copies. */
    public List<Integer> perBlock(String name, int count, List<Integer> dflt) {
        JsonNode n = field(name);
        if (n == null) return dflt;
        if (n.isIntegralNumber()) return Collections.nCopies(count, integer(name, 0));
        List<Integer> list = integers(name, dflt);
        if (list.size() != count) {
            throw new IllegalArgumentException(where + ": '" + name + "' has " + list.size() + " entries, expected one per block ("
                    + count + ")");
        }
        return list;
    }

    /**
     * Fails when a feature we do not implement is switched on: the field must be absent, null or
     * equal to {@code off} (its diffusers default).
     */
    public void requireOff(String name, Object off) {
        JsonNode n = field(name);
        if (n == null) return;
        boolean isOff = off instanceof Number o ? n.isNumber() && n.doubleValue() == o.doubleValue()
                : off instanceof Boolean b ? n.isBoolean() && n.booleanValue() == b
                : off instanceof String t && n.isTextual() && n.textValue().equals(t);
        if (!isOff) {
            throw new IllegalArgumentException(where + ": '" + name + "' = " + n + " is not supported (expected "
                    + (off == null ? "null" : off instanceof String ? "\"" + off + "\"" : off) + ")");
        }
    }

    private IllegalArgumentException wrong(String name, String expected, JsonNode found) {
        return new IllegalArgumentException(where + ": '" + name + "' must be " + expected + ", found " + found);
    }

    /** Writes a per-block list as diffusers does: a single integer when all blocks agree. */
    public static void putPerBlock(ObjectNode node, String name, List<Integer> values) {
        if (values.stream().distinct().count() == 1) node.put(name, values.get(0));
        else putInts(node, name, values);
    }

    public static void putInts(ObjectNode node, String name, List<Integer> values) {
        ArrayNode a = node.putArray(name);
        values.forEach(a::add);
    }

    public static void putTexts(ObjectNode node, String name, List<String> values) {
        ArrayNode a = node.putArray(name);
        values.forEach(a::add);
    }

    /** Fails naming the field when a list is empty or holds a non-positive value. */
    public static void requirePositive(String what, List<Integer> values) {
        if (values == null || values.isEmpty() || values.stream().anyMatch(v -> v == null || v <= 0)) {
            throw new IllegalArgumentException(what + ": expected a non-empty list of positive integers, found " + values);
        }
    }
}
