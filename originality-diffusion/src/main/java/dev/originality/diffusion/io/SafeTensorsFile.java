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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated safetensors header ({@link SafeTensors#read}); tensor data is read from the file
 * on demand, one tensor at a time. {@code tensors} is in header order.
 */
public record SafeTensorsFile(Path file, long dataStart, long fileSize, Map<String, String> metadata,
                              Map<String, TensorInfo> tensors) {
    public SafeTensorsFile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(where() + ": no tensor '" + name + "' (it has " + tensors.size() + " tensors"
                    + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.keySet().iterator().next() + "'") + ")");
        }
        return t;
    }

    /** Each tensor's stored dtype, for writing arrays back as they were ({@link SafeTensors#save(Path, Map, Map, Map)}). */
    public Map<String, Dtype> dtypes() {
        Map<String, Dtype> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.dtype()));
        return out;
    }

    /** The tensor's stored bytes (little-endian), whatever its dtype. */
    public RawTensor raw(String name) throws IOException {
        TensorInfo t = info(name);
        try (FileChannel ch = open()) {
            return new RawTensor(t.dtype(), t.shape(), bytes(ch, t));
        }
    }

    /**
     * The tensor in its stored dtype (F16 stays F16, I64 stays I64). BF16 is the exception: it comes
     * back as float32 (exact, a BF16 is the high half of a float32) because DJL 0.33's PyTorch engine
     * aborts the JVM on BF16 arrays; {@link #dtypes()} remembers it for the way back.
     */
    public NDArray load(String name, NDManager manager) throws IOException {
        try (FileChannel ch = open()) {
            return array(ch, info(name), manager, false);
        }
    }

    /** The tensor with floating point widened to float32 (F16, BF16; F64 is narrowed), integers as stored. */
    public NDArray loadWidened(String name, NDManager manager) throws IOException {
        try (FileChannel ch = open()) {
            return array(ch, info(name), manager, true);
        }
    }

    /** Every tensor in header order, in stored dtypes (see {@link #load}). */
    public Map<String, NDArray> loadAll(NDManager manager) throws IOException {
        return all(manager, false);
    }

    /** Every tensor in header order, floating point as float32. */
    public Map<String, NDArray> loadAllWidened(NDManager manager) throws IOException {
        return all(manager, true);
    }

    /**
     * Writes the same tensors and metadata to {@code target} with our (reference-compatible) writer,
     * streaming one tensor at a time; dtypes and bytes are kept exactly.
     */
    public void copyTo(Path target) throws IOException {
        try (FileChannel ch = open()) {
            List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
            for (TensorInfo t : tensors.values()) {
                entries.add(new SafeTensorsWriter.Entry(t.name(), t.dtype(), t.shape(), () -> bytes(ch, t)));
            }
            SafeTensorsWriter.write(target, entries, metadata);
        }
    }

    private Map<String, NDArray> all(NDManager manager, boolean widen) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (FileChannel ch = open()) {
            for (TensorInfo t : tensors.values()) out.put(t.name(), array(ch, t, manager, widen));
        }
        return out;
    }

    private NDArray array(FileChannel ch, TensorInfo t, NDManager manager, boolean widen) throws IOException {
        Dtype d = t.dtype();
        if (d == Dtype.BF16) return manager.create(bf16ToF32(bytes(ch, t), t.elementCount()), t.djlShape(), DataType.FLOAT32);
        if (d.djl() == null) {
            throw new IllegalArgumentException(where() + ": tensor '" + t.name() + "' is " + d
                    + ", which DJL cannot hold; read its bytes with raw()");
        }
        NDArray stored = manager.create(bytes(ch, t), t.djlShape(), d.djl());
        if (!widen || !d.isFloat() || d == Dtype.F32) return stored;
        NDArray wide = stored.toType(DataType.FLOAT32, false);
        stored.close();
        return wide;
    }

    /** Reads one tensor's bytes; the header's checks bound the allocation by the file's size. */
    private ByteBuffer bytes(FileChannel ch, TensorInfo t) throws IOException {
        if (t.byteLength() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(where() + ": tensor '" + t.name() + "' has " + t.byteLength()
                    + " bytes; tensors over 2 GiB are not supported");
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + t.begin();
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IllegalArgumentException(where() + ": truncated while reading tensor '" + t.name() + "'");
            pos += n;
        }
        return b.flip();
    }

    /** bfloat16 is the high half of a float32. */
    private static ByteBuffer bf16ToF32(ByteBuffer in, long count) {
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) out.putInt((in.getShort(2 * i) & 0xFFFF) << 16);
        return out.flip();
    }

    private FileChannel open() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long size = ch.size();
        if (size != fileSize) {
            ch.close();
            throw new IllegalArgumentException(where() + ": the file changed since its header was read (" + fileSize
                    + " bytes then, " + size + " now)");
        }
        return ch;
    }

    private String where() {
        return "safetensors file '" + file + "'";
    }
}
