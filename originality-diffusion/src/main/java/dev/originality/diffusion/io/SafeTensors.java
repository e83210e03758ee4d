package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader for the safetensors format (8-byte little-endian header length, JSON header, raw
 * little-endian data). Our own reader: DJL's aborts the JVM on BF16, and we check every bound
 * before allocating. F16 and BF16 are widened to float32 by default.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reference implementation's limit on header size. */
    static final long MAX_HEADER = 100L * 1024 * 1024;

    private SafeTensors() {}

    /** All tensors of a file, in header order; floating point widened to float32. */
    public static Map<String, NDArray> load(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            String where = "safetensors file '" + file + "'";
            if (size < 8) throw new IllegalArgumentException(where + ": expected at least 8 bytes, found " + size);
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, where);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new IllegalArgumentException(where + ": header length " + headerLen + " is outside 1.." + Math.min(MAX_HEADER, size - 8));
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, where);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": header is not valid JSON");
            }
            if (header == null || !header.isObject()) throw new IllegalArgumentException(where + ": header is not a JSON object");
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                out.put(e.getKey(), tensor(ch, e.getKey(), e.getValue(), dataStart, dataLen, manager, where));
            }
            return out;
        }
    }

    private static NDArray tensor(FileChannel ch, String name, JsonNode info, long dataStart, long dataLen,
                                  NDManager manager, String where) throws IOException {
        String dtype = info.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "I64", "F64" -> 8;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw new IllegalArgumentException(where + ": tensor '" + name + "' has unsupported dtype '" + dtype
                    + "' (expected F32, F16, BF16, F64, I64, I32, U8, I8 or BOOL)");
        };
        JsonNode sh = info.path("shape"), off = info.path("data_offsets");
        if (!sh.isArray() || !off.isArray() || off.size() != 2) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "' needs 'shape' and two 'data_offsets'");
        }
        long[] shape = new long[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = sh.get(i).asLong(-1);
            if (shape[i] < 0) throw new IllegalArgumentException(where + ": tensor '" + name + "' has a negative dimension");
            count = Math.multiplyExact(count, shape[i]);
        }
        long begin = off.get(0).asLong(-1), end = off.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLen || end - begin != Math.multiplyExact(count, width)) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "' " + dtype + " " + new Shape(shape)
                    + " needs " + count * width + " bytes, but its offsets are [" + begin + ", " + end + "] in "
                    + dataLen + " data bytes");
        }
        if (end - begin > Integer.MAX_VALUE) throw new IllegalArgumentException(where + ": tensor '" + name + "' is over 2 GiB");
        ByteBuffer data = ByteBuffer.allocateDirect((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, data, dataStart + begin, where);
        data.flip();
        return switch (dtype) {
            case "F32" -> manager.create(data, new Shape(shape), DataType.FLOAT32);
            case "F64" -> manager.create(data, new Shape(shape), DataType.FLOAT64).toType(DataType.FLOAT32, false);
            case "F16" -> manager.create(data, new Shape(shape), DataType.FLOAT16).toType(DataType.FLOAT32, false);
            case "BF16" -> manager.create(bf16ToF32(data, (int) count), new Shape(shape), DataType.FLOAT32);
            case "I64" -> manager.create(data, new Shape(shape), DataType.INT64);
            case "I32" -> manager.create(data, new Shape(shape), DataType.INT32);
            case "U8" -> manager.create(data, new Shape(shape), DataType.UINT8);
            case "I8" -> manager.create(data, new Shape(shape), DataType.INT8);
            default -> manager.create(data, new Shape(shape), DataType.BOOLEAN);
        };
    }

    /** bfloat16 is the high half of a float32. */
    private static ByteBuffer bf16ToF32(ByteBuffer in, int count) {
        ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) out.putInt((in.getShort(2 * i) & 0xFFFF) << 16);
        return out.flip();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, String where) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IllegalArgumentException(where + ": truncated");
            pos += n;
        }
    }
}
