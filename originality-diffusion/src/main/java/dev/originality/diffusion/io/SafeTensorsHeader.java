package dev.originality.diffusion.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors JSON header. Streaming (no JSON tree, no String copy of the
 * header) so that a header costs memory in proportion to its size; every rule of the format is
 * checked here, before any tensor data is allocated.
 */
final class SafeTensorsHeader {
    /** The reference implementation's header limit (decimal 100 MB). */
    static final long MAX_HEADER = 100_000_000L;
    /** More dimensions than any real tensor has; bounds the memory one header entry can cost. */
    static final int MAX_RANK = 64;
    /** Field names are shared (dtype, shape, ...) but not interned: tensor names stay ordinary, collectable strings. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();

    /** Header entries by name in file order, and the {@code __metadata__} map (empty when absent). */
    record Parsed(Map<String, String> metadata, Map<String, TensorInfo> tensors) {}

    private final String where;
    private final JsonParser p;

    private SafeTensorsHeader(String where, JsonParser p) {
        this.where = where;
        this.p = p;
    }

    /** Parses {@code header} and checks it against a data region of {@code dataLen} bytes. */
    static Parsed parse(byte[] header, long dataLen, String where) {
        requireUtf8(header, where);
        Parsed parsed;
        try (JsonParser p = JSON.createParser(header)) {
            parsed = new SafeTensorsHeader(where, p).root();
        } catch (IOException e) { // Jackson's parse errors (bad JSON, bad UTF-8, limits)
            throw new IllegalArgumentException(where + ": header is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        checkLayout(parsed.tensors().values(), dataLen, where);
        return parsed;
    }

    private Parsed root() throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException(where + ": header is not a JSON object (found " + p.currentToken() + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        boolean sawMetadata = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (name.equals("__metadata__")) {
                if (sawMetadata) throw new IllegalArgumentException(where + ": header has '__metadata__' twice");
                sawMetadata = true;
                metadata(metadata);
            } else {
                if (tensors.containsKey(name)) throw new IllegalArgumentException(where + ": tensor '" + name + "' appears twice in the header");
                tensors.put(name, entry(name));
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new IllegalArgumentException(where + ": header has content after its JSON object");
        }
        return new Parsed(metadata, tensors);
    }

    private void metadata(Map<String, String> out) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) return; // the reference reader treats null as "no metadata"
        if (t != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException(where + ": '__metadata__' must be an object of strings, found " + t);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException(where + ": '__metadata__' must map strings to strings, but '" + key + "' is " + v);
            }
            if (out.put(key, p.getText()) != null) {
                throw new IllegalArgumentException(where + ": '__metadata__' has key '" + key + "' twice");
            }
        }
    }

    private TensorInfo entry(String name) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw bad(name, "expected an object {dtype, shape, data_offsets}, found " + t);
        }
        String dtypeName = null;
        long[] shape = null, offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (dtypeName != null) throw bad(name, "'dtype' given twice");
                    if (v != JsonToken.VALUE_STRING) throw bad(name, "'dtype' must be a string, found " + v);
                    dtypeName = p.getText();
                }
                case "shape" -> {
                    if (shape != null) throw bad(name, "'shape' given twice");
                    shape = longs(name, "shape", v, MAX_RANK);
                }
                case "data_offsets" -> {
                    if (offsets != null) throw bad(name, "'data_offsets' given twice");
                    offsets = longs(name, "data_offsets", v, 2);
                    if (offsets.length != 2) {
                        throw bad(name, "'data_offsets' must be [begin, end], found " + Arrays.toString(offsets));
                    }
                }
                default -> throw bad(name, "unexpected field '" + field
                        + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (dtypeName == null || shape == null || offsets == null) {
            throw bad(name, "needs 'dtype', 'shape' and 'data_offsets', found "
                    + (dtypeName == null ? "no dtype " : "") + (shape == null ? "no shape " : "") + (offsets == null ? "no data_offsets" : ""));
        }
        Dtype dtype = Dtype.parse(dtypeName);
        if (dtype == null) {
            throw bad(name, "unsupported dtype '" + dtypeName + "' (expected one of "
                    + Arrays.toString(Dtype.values()) + ")");
        }
        long bytes;
        try {
            long count = 1;
            for (long d : shape) count = Math.multiplyExact(count, d);
            bytes = Math.multiplyExact(count, dtype.width());
        } catch (ArithmeticException e) {
            throw bad(name, "shape " + Arrays.toString(shape) + " x " + dtype.width()
                    + " bytes overflows a 64-bit size");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin || end - begin != bytes) {
            throw bad(name, "" + dtype + " " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, but its data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** Built only on failure: valid headers with many tensors allocate no messages. */
    private IllegalArgumentException bad(String tensor, String problem) {
        return new IllegalArgumentException(where + ": tensor '" + tensor + "': " + problem);
    }

    /** An array of at most {@code max} non-negative integers. */
    private long[] longs(String name, String field, JsonToken start, int max) throws IOException {
        if (start != JsonToken.START_ARRAY) throw bad(name, "'" + field + "' must be an array, found " + start);
        long[] out = new long[Math.min(max, 8)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw bad(name, "'" + field + "' must hold non-negative 64-bit integers, found "
                        + (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : t));
            }
            if (n == max) throw bad(name, "'" + field + "' has more than " + max + " entries");
            if (n == out.length) out = Arrays.copyOf(out, Math.min(max, 2 * n));
            out[n++] = p.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The format requires the tensors to tile the data region exactly: sorted by offset, each
     * starts where the previous one ends, the first at 0 and the last at the region's end.
     */
    private static void checkLayout(Collection<TensorInfo> tensors, long dataLen, String where) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long at = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.end() > dataLen) {
                throw new IllegalArgumentException(where + ": tensor '" + t.name() + "' has data_offsets [" + t.begin() + ", "
                        + t.end() + "] beyond the data region of " + dataLen + " bytes (truncated file?)");
            }
            if (t.begin() < at) {
                throw new IllegalArgumentException(where + ": tensor '" + t.name() + "' [" + t.begin() + ", " + t.end()
                        + ") overlaps tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (t.begin() > at) {
                throw new IllegalArgumentException(where + ": bytes [" + at + ", " + t.begin() + ") of the data region belong to no tensor"
                        + " (hole before tensor '" + t.name() + "')");
            }
            at = t.end();
            previous = t;
        }
        if (at != dataLen) {
            throw new IllegalArgumentException(where + ": the data region has " + dataLen + " bytes but the tensors cover only "
                    + at + (previous == null ? "" : " (the last is '" + previous.name() + "')"));
        }
    }

    /** The format requires UTF-8; checked through a small buffer so that it costs no memory. */
    private static void requireUtf8(byte[] header, String where) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult r = decoder.decode(in, out.clear(), true);
            if (r.isError()) {
                throw new IllegalArgumentException(where + ": header is not valid UTF-8 (byte " + in.position() + ")");
            }
            if (r.isUnderflow()) break;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
