package dev.originality.measure.dreamsim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test-side writer of PyTorch-style checkpoints, opcode by opcode (no Python in tests): a pickle
 * protocol 2 stream as torch.save writes it, in a zip with {@code archive/data.pkl} and one
 * {@code archive/data/<key>} entry per storage.
 */
final class TorchZipWriter {
    /** A float32 tensor to write: row-major values and shape. */
    record F32(float[] values, long... shape) {}

    private TorchZipWriter() {}

    /** Opcodes appended to a byte stream. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle integer(long v) {
            op('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.toIntExact(v)).array());
            return this;
        }

        Pickle tuple(long... values) {
            op('(');
            for (long v : values) integer(v);
            return op('t');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A pickled state dict {name: tensor}, as root or under {@code key} (e.g. "state_dict"); null key: the dict is the root. */
    static byte[] stateDictPickle(Map<String, F32> tensors, String key) {
        Pickle p = new Pickle().op(0x80, 2);
        if (key != null) p.op('}', '(').str(key);
        p.global("collections", "OrderedDict").op(')', 'R', '(');
        int storage = 0;
        for (Map.Entry<String, F32> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= shape[d];
            }
            p.str(e.getKey()).global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str(Integer.toString(storage++)).str("cpu")
                    .integer(e.getValue().values().length).op('t', 'Q');
            p.integer(0).tuple(shape).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        }
        p.op('u');
        if (key != null) p.op('u');
        return p.op('.').bytes();
    }

    /** Writes a checkpoint of float32 tensors. */
    static void write(Path file, Map<String, F32> tensors, String key) throws IOException {
        Map<String, byte[]> storages = new LinkedHashMap<>();
        int i = 0;
        for (F32 t : tensors.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.values()) b.putFloat(v);
            storages.put(Integer.toString(i++), b.array());
        }
        zip(file, stateDictPickle(tensors, key), storages);
    }

    /** A zip laid out as torch.save's: archive/data.pkl, archive/byteorder, archive/data/<key>, stored uncompressed. */
    static void zip(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        entries.add(Map.entry("archive/data.pkl", pickle));
        entries.add(Map.entry("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)));
        storages.forEach((k, v) -> entries.add(Map.entry("archive/data/" + k, v)));
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }
}
