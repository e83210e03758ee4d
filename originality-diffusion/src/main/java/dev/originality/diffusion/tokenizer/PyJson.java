package dev.originality.diffusion.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps(obj, indent=2, sort_keys=True,
 * ensure_ascii=False)} does, which is how transformers writes tokenizer files; byte-identical
 * files make a saved tokenizer diffable against the one it was loaded from.
 * Values: Map with String keys, List, String, Integer/Long, Boolean, null.
 */
final class PyJson {
    private PyJson() {}

    /** The document followed by a newline, as transformers writes it. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, 0, sb);
        return sb.append('\n').toString();
    }

    private static void write(Object value, int depth, StringBuilder sb) {
        if (value == null) sb.append("null");
        else if (value instanceof String s) string(s, sb);
        else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) sb.append(value);
        else if (value instanceof Map<?, ?> map) object(map, depth, sb);
        else if (value instanceof List<?> list) array(list, depth, sb);
        else throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as tokenizer JSON");
    }

    private static void object(Map<?, ?> map, int depth, StringBuilder sb) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        List<String> keys = new ArrayList<>();
        for (Object k : map.keySet()) keys.add((String) k);
        keys.sort(PyJson::compareCodePoints);
        sb.append('{');
        for (int i = 0; i < keys.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            indent(depth + 1, sb);
            string(keys.get(i), sb);
            sb.append(": ");
            write(map.get(keys.get(i)), depth + 1, sb);
        }
        sb.append('\n');
        indent(depth, sb);
        sb.append('}');
    }

    private static void array(List<?> list, int depth, StringBuilder sb) {
        if (list.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            indent(depth + 1, sb);
            write(list.get(i), depth + 1, sb);
        }
        sb.append('\n');
        indent(depth, sb);
        sb.append(']');
    }

    private static void indent(int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth));
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** Python sorts str keys by code point, which differs from UTF-16 order above U+FFFF. */
    private static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
