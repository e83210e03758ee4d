package dev.originality.diffusion.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files the way the reference (Rust) writer does: tensors sorted by descending
 * dtype alignment, then by name (byte order of UTF-8), data laid out in that order, compact JSON
 * header in that order with {@code __metadata__} first, padded with spaces to a multiple of 8.
 * Files are written to a temporary file in the target's folder and renamed into place.
 */
final class SafeTensorsWriter {
    /** The little-endian bytes of one tensor, produced when it is written (one at a time). */
    @FunctionalInterface
    interface Source {
        ByteBuffer bytes() throws IOException;
    }

    record Entry(String name, Dtype dtype, long[] shape, Source data) {
        long byteLength() {
            long n = dtype.width();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }
    }

    private static final Comparator<Entry> REFERENCE_ORDER = Comparator
            .comparing(Entry::dtype, Comparator.reverseOrder())
            .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name())));

    private SafeTensorsWriter() {}

    static void write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("safetensors writer: NDArray bytes are native-order, and this machine is big-endian");
        }
        List<Entry> sorted = new ArrayList<>(entries);
        for (Entry e : sorted) {
            if (e.name().equals("__metadata__")) throw new IllegalArgumentException(file + ": '__metadata__' cannot name a tensor");
        }
        sorted.sort(REFERENCE_ORDER);
        byte[] header = header(sorted, metadata);
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
                writeFully(ch, ByteBuffer.wrap(header));
                for (Entry e : sorted) {
                    ByteBuffer b = e.data().bytes();
                    if (b.remaining() != e.byteLength()) {
                        throw new IllegalStateException(file + ": tensor '" + e.name() + "' " + e.dtype() + " " + Arrays.toString(e.shape())
                                + " should have " + e.byteLength() + " bytes, its source gave " + b.remaining());
                    }
                    writeFully(ch, b);
                }
                ch.force(true);
            }
        });
    }

    /** The padded header of tensors already in file order. */
    static byte[] header(List<Entry> sorted, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder(64 + 96 * sorted.size()).append('{');
        if (metadata != null && !metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!first) json.append(',');
                first = false;
                string(json, m.getKey()).append(':');
                string(json, m.getValue());
            }
            json.append('}');
            if (!sorted.isEmpty()) json.append(',');
        }
        long offset = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            if (i > 0) json.append(',');
            string(json, e.name()).append(":{\"dtype\":\"").append(e.dtype().name()).append("\",\"shape\":[");
            long[] shape = e.shape();
            for (int d = 0; d < shape.length; d++) json.append(d > 0 ? "," : "").append(shape[d]);
            long end = offset + e.byteLength();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] raw = utf8(json.toString());
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    /** A JSON string escaped as serde_json escapes it (short escapes, else lowercase \\u00xx). */
    private static StringBuilder string(StringBuilder out, String s) {
        if (s == null) throw new IllegalArgumentException("safetensors header: null name or metadata value");
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
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"');
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
