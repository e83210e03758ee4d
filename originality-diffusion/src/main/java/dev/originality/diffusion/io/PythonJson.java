package dev.originality.diffusion.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(obj, indent=2, sort_keys=True)} writes it, which is
 * how diffusers and transformers save every config ({@code config.json}, {@code model_index.json},
 * {@code scheduler_config.json}; tokenizer files with {@code ensure_ascii=False}). Floats use
 * Python's {@code repr}: shortest round-trip digits, {@code 1e-05} below 1e-4, {@code 1e+16} from 1e16.
 */
public final class PythonJson {
    private PythonJson() {}

    /** The file diffusers writes: {@code json.dumps(..., indent=2, sort_keys=True) + "\n"}, UTF-8. */
    public static byte[] configFile(JsonNode node) {
        return file(node, true);
    }

    /** A JSON file as Python writes it; tokenizer files (vocab.json, tokenizer_config.json) use {@code ensureAscii = false}. */
    public static byte[] file(JsonNode node, boolean ensureAscii) {
        return (dumps(node, ensureAscii) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static String dumps(JsonNode node, boolean ensureAscii) {
        StringBuilder out = new StringBuilder();
        write(out, node, 0, ensureAscii);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonNode node, int level, boolean ascii) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                if (node.isEmpty()) {
                    out.append("{}");
                    return;
                }
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) fields.add(it.next());
                fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey())); // Python sorts str by code point
                out.append('{');
                for (int i = 0; i < fields.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n").append("  ".repeat(level + 1));
                    string(out, fields.get(i).getKey(), ascii).append(": ");
                    write(out, fields.get(i).getValue(), level + 1, ascii);
                }
                out.append('\n').append("  ".repeat(level)).append('}');
            }
            case ARRAY -> {
                if (node.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    out.append(i == 0 ? "\n" : ",\n").append("  ".repeat(level + 1));
                    write(out, node.get(i), level + 1, ascii);
                }
                out.append('\n').append("  ".repeat(level)).append(']');
            }
            case STRING -> string(out, node.asText(), ascii);
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            case NUMBER -> {
                if (node.isIntegralNumber()) out.append(node.bigIntegerValue());
                else out.append(floatRepr(node.doubleValue()));
            }
            default -> throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType());
        }
    }

    /** Python's {@code repr(float)} (as json.dumps uses it). */
    static String floatRepr(double x) {
        if (Double.isNaN(x)) return "NaN";
        if (Double.isInfinite(x)) return x > 0 ? "Infinity" : "-Infinity";
        String sign = (x < 0 || (x == 0 && 1 / x < 0)) ? "-" : "";
        if (x == 0) return sign + "0.0";
        BigDecimal exact = new BigDecimal(Math.abs(x)), shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == Math.abs(x)) {
                shortest = r;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // value = 0.digits * 10^decpt
        if (decpt <= -4 || decpt > 16) {
            int exp = decpt - 1;
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        if (decpt <= 0) return sign + "0." + "0".repeat(-decpt) + digits;
        if (decpt >= digits.length()) return sign + digits + "0".repeat(decpt - digits.length()) + ".0";
        return sign + digits.substring(0, decpt) + "." + digits.substring(decpt);
    }

    /** Python's json string escaping: with ensure_ascii every char outside space..'~' becomes \\uXXXX. */
    private static StringBuilder string(StringBuilder out, String s, boolean ascii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7E)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"');
    }

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
