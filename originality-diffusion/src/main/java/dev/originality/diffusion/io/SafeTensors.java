package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: 8-byte little-endian header length, JSON header, raw little-endian
 * data. Our own reader and writer: DJL's decoder aborts the JVM on BF16, and ours checks every
 * bound of the format before allocating anything, so that no input makes it allocate more than
 * about twice the file's size. Every violation is an {@link IllegalArgumentException} naming the
 * file (and the tensor).
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** All tensors of a file, in header order; floating point widened to float32. */
    public static Map<String, NDArray> load(Path file, NDManager manager) throws IOException {
        return read(file).loadAllWidened(manager);
    }

    /** The validated header of a file; tensor data stays on disk until asked for. */
    public static SafeTensorsFile read(Path file) throws IOException {
        String where = "safetensors file '" + file + "'";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IllegalArgumentException(where + ": expected at least 8 bytes (the header length), found " + size);
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, where);
            long headerLen = lenBuf.flip().getLong(); // unsigned in the format: negative means > 2^63
            if (headerLen < 0 || headerLen > SafeTensorsHeader.MAX_HEADER) {
                throw new IllegalArgumentException(where + ": header length " + Long.toUnsignedString(headerLen)
                        + " exceeds the format's limit of " + SafeTensorsHeader.MAX_HEADER + " bytes");
            }
            if (headerLen > size - 8) {
                throw new IllegalArgumentException(where + ": header length " + headerLen + " is larger than the "
                        + (size - 8) + " bytes that follow it (truncated file?)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, where);
            long dataStart = 8 + headerLen;
            SafeTensorsHeader.Parsed parsed = SafeTensorsHeader.parse(header.array(), size - dataStart, where);
            return new SafeTensorsFile(file, dataStart, size, parsed.metadata(), parsed.tensors());
        }
    }

    /** Writes each array in its own dtype (float32 as F32, float16 as F16, int64 as I64, ...). */
    public static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        save(file, tensors, metadata, Map.of());
    }

    /**
     * Writes floating-point arrays as {@code floatType} (F32, F16, BF16 or F64, rounded to nearest
     * even as torch does) and every other array in its own dtype (I64 stays I64).
     */
    public static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata, Dtype floatType)
            throws IOException {
        requireWritableFloat(floatType, file);
        Map<String, Dtype> dtypes = new LinkedHashMap<>();
        tensors.forEach((name, a) -> {
            Dtype own = Dtype.of(a.getDataType());
            if (own != null && own.isFloat()) dtypes.put(name, floatType);
        });
        save(file, tensors, metadata, dtypes);
    }

    /**
     * Writes each array as {@code dtypes.get(name)} (its own dtype when absent): e.g. the
     * {@link SafeTensorsFile#dtypes()} of the file the arrays came from, so that a load/save round
     * trip keeps every dtype, BF16 included. Only floating types convert into each other.
     */
    public static void save(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
                            Map<String, Dtype> dtypes) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            NDArray a = e.getValue();
            Dtype own = Dtype.of(a.getDataType());
            if (own == null) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' has type " + a.getDataType()
                        + ", which safetensors cannot store");
            }
            Dtype target = dtypes.getOrDefault(name, own);
            if (target != own) {
                if (!own.isFloat()) {
                    throw new IllegalArgumentException(file + ": tensor '" + name + "' is " + own + " and can only be stored as "
                            + own + ", not " + target);
                }
                requireWritableFloat(target, file);
            }
            entries.add(new SafeTensorsWriter.Entry(name, target, a.getShape().getShape(), () -> encode(a, own, target)));
        }
        SafeTensorsWriter.write(file, entries, metadata);
    }

    /** Writes tensors exactly as given (dtype, shape, bytes). */
    public static void saveRaw(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((name, t) -> entries.add(new SafeTensorsWriter.Entry(name, t.dtype(), t.shape(), t::data)));
        SafeTensorsWriter.write(file, entries, metadata);
    }

    /** float32 to bfloat16 bits, rounding to nearest even; NaN stays a (quiet) NaN. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    private static ByteBuffer encode(NDArray a, Dtype own, Dtype target) {
        if (target == own) return a.toByteBuffer();
        if (target == Dtype.BF16) {
            float[] f = own == Dtype.F32 ? a.toFloatArray() : floats(a);
            ByteBuffer out = ByteBuffer.allocate(2 * f.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : f) out.putShort(toBf16(v));
            return out.flip();
        }
        try (NDArray converted = a.toType(target.djl(), true)) {
            return converted.toByteBuffer();
        }
    }

    private static float[] floats(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    private static void requireWritableFloat(Dtype d, Path file) {
        if (d != Dtype.F32 && d != Dtype.F16 && d != Dtype.BF16 && d != Dtype.F64) {
            throw new IllegalArgumentException(file + ": floating-point tensors can be stored as F32, F16, BF16 or F64, not " + d);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, String where) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IllegalArgumentException(where + ": truncated");
            pos += n;
        }
    }
}
