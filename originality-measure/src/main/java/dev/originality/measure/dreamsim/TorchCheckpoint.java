package dev.originality.measure.dreamsim;

import dev.originality.diffusion.io.Dtype;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint as {@code torch.save} writes it since PyTorch 1.6: a zip holding
 * {@code <name>/data.pkl} (the object, pickled) and {@code <name>/data/<key>} (each storage's raw
 * little-endian bytes). The pickle goes through {@link TorchPickle}, which rebuilds tensors, dicts
 * and lists and refuses anything else; storages are read from the zip when a tensor's data is asked
 * for, so keep the checkpoint open until then.
 */
public final class TorchCheckpoint implements AutoCloseable {
    /** The pickle of a checkpoint of ViT-B weights is a few hundred kB; refuse absurd sizes before reading. */
    private static final long MAX_PICKLE = 256L << 20;

    private final ZipFile zip;
    private final String prefix;
    private final String where;
    /** Entry bytes this reader may inflate in all: the file's size (torch.save stores entries uncompressed). */
    private final long inflateBudget;
    /** Storages by key: a pickle names a storage once per tensor viewing it; each is looked up and read once. */
    private final Map<String, TorchTensor.Storage> storages = new HashMap<>();
    private final Map<String, ByteBuffer> storageBytes = new HashMap<>();
    private long inflated;
    private final Object root;

    private TorchCheckpoint(ZipFile zip, String prefix, String where, long fileSize) throws IOException {
        this.zip = zip;
        this.prefix = prefix;
        this.where = where;
        this.inflateBudget = fileSize;
        this.root = TorchPickle.read(entryBytes(prefix + "data.pkl", MAX_PICKLE), where, this::storage);
    }

    public static TorchCheckpoint open(Path file) throws IOException {
        String where = "torch checkpoint '" + file + "'";
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + ": file not found");
        byte[] magic = new byte[2];
        try (InputStream s = Files.newInputStream(file)) {
            if (s.readNBytes(magic, 0, 2) != 2 || magic[0] != 'P' || magic[1] != 'K') {
                throw new IllegalArgumentException(where + ": expected a zip (torch.save since PyTorch 1.6), found another format"
                        + " (the legacy pre-1.6 format is not supported; re-save it with a recent PyTorch)");
            }
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (java.util.zip.ZipException | java.io.EOFException e) { // EOF: an end record pointing past the file
            throw new IllegalArgumentException(where + ": not a readable zip (" + (e.getMessage() != null ? e.getMessage() : "ends early") + ")");
        }
        try {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = named(where, () -> e.nextElement()).getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) throw new IllegalArgumentException(where + ": expected an entry '<name>/data.pkl', found none");
            String orderName = prefix + "byteorder";
            ZipEntry order = named(where, () -> zip.getEntry(orderName));
            if (order != null) {
                try (InputStream s = zip.getInputStream(order)) {
                    String bo = new String(s.readNBytes(16), StandardCharsets.US_ASCII).trim();
                    if (!bo.equals("little")) throw new IllegalArgumentException(where + ": expected byteorder 'little', found '" + bo + "'");
                }
            }
            return new TorchCheckpoint(zip, prefix, where, Files.size(file));
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            zip.close();
            throw new IllegalArgumentException(where + ": damaged zip entry (" + e.getMessage() + ")");
        } catch (RuntimeException | IOException e) {
            zip.close();
            throw e;
        }
    }

    /** The unpickled object: maps, lists, strings, numbers and {@link TorchTensor}s. */
    public Object root() {
        return root;
    }

    public String where() {
        return where;
    }

    /**
     * The tensors of a state dict, by name: {@code root} itself, or under a key such as
     * {@code state_dict} or {@code teacher}. Fails naming the key and what was found.
     */
    public Map<String, TorchTensor> tensors(String... path) {
        Object o = root;
        StringBuilder at = new StringBuilder("the checkpoint");
        for (String key : path) {
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new IllegalArgumentException(where + ": expected key '" + key + "' in " + at + ", found "
                        + (o instanceof Map<?, ?> m2 ? "keys " + keys(m2) : describe(o)));
            }
            o = m.get(key);
            at.append("['").append(key).append("']");
        }
        if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + ": expected a state dict at " + at + ", found " + describe(o));
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof TorchTensor t)) {
                throw new IllegalArgumentException(where + ": expected only named tensors in " + at + ", found '" + e.getKey()
                        + "' = " + describe(e.getValue()));
            }
            out.put(k, t);
        }
        return out;
    }

    /** Whether the root is a dict holding {@code key}. */
    public boolean has(String key) {
        return root instanceof Map<?, ?> m && m.containsKey(key);
    }

    private static List<String> keys(Map<?, ?> m) {
        List<String> out = new ArrayList<>();
        for (Object k : m.keySet()) if (out.size() < 8) out.add(String.valueOf(k));
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof TorchTensor ? "a tensor" : "a " + o.getClass().getSimpleName();
    }

    /** Persistent id ('storage', storage type, key, location, numel) → a storage read lazily from the zip. */
    private TorchTensor.Storage storage(List<Object> pid) {
        if (pid.size() != 5 || !"storage".equals(pid.get(0)) || !(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)) {
            throw new IllegalArgumentException(where + ": expected persistent id ('storage', type, key, location, numel), found " + pid);
        }
        Dtype dtype = TorchPickle.storageType(pid.get(1));
        if (dtype == null) throw new IllegalArgumentException(where + ": storage '" + key + "' has no storage type");
        TorchTensor.Storage seen = storages.get(key);
        if (seen != null) {
            if (seen.dtype() != dtype || seen.numel() != numel) {
                throw new IllegalArgumentException(where + ": storage '" + key + "' is named as " + numel + " x " + dtype
                        + " after " + seen.numel() + " x " + seen.dtype());
            }
            return seen;
        }
        ZipEntry e = named(where, () -> zip.getEntry(prefix + "data/" + key));
        if (e == null) throw new IllegalArgumentException(where + ": missing storage entry '" + prefix + "data/" + key + "'");
        long length = Math.multiplyExact(numel, dtype.width());
        if (e.getSize() >= 0 && e.getSize() != length) {
            throw new IllegalArgumentException(where + ": storage '" + key + "' holds " + e.getSize() + " bytes, expected "
                    + length + " (" + numel + " × " + dtype + ")");
        }
        TorchTensor.Storage storage = new TorchTensor.Storage(dtype, key, numel, this::storageBytes);
        storages.put(key, storage);
        return storage;
    }

    /** A storage's bytes, read from the zip the first time a tensor asks for them. */
    private ByteBuffer storageBytes(String key, long length) throws IOException {
        ByteBuffer b = storageBytes.get(key);
        if (b == null) {
            b = ByteBuffer.wrap(entryBytes(prefix + "data/" + key, length));
            storageBytes.put(key, b);
        }
        return b.duplicate();
    }

    private byte[] entryBytes(String name, long max) throws IOException {
        ZipEntry e = named(where, () -> zip.getEntry(name));
        if (e == null) throw new IllegalArgumentException(where + ": missing entry '" + name + "'");
        if (e.getSize() > max) throw new IllegalArgumentException(where + ": entry '" + name + "' has " + e.getSize() + " bytes, expected at most " + max);
        long left = inflateBudget - inflated;
        if (e.getSize() > left) {                                      // the central directory's size; -1 when unknown
            throw new IllegalArgumentException(where + ": entry '" + name + "' would take the bytes read past the file's size ("
                    + inflateBudget + "): a compressed entry that inflates beyond it is refused (torch.save does not compress)");
        }
        try (InputStream s = zip.getInputStream(e)) {
            byte[] b = s.readNBytes((int) Math.min(Math.min(max, left), Integer.MAX_VALUE - 16));
            inflated += b.length;
            if (name.contains("/data/") && b.length != max) {
                throw new IllegalArgumentException(where + ": entry '" + name + "' has " + b.length + " bytes, expected " + max);
            }
            return b;
        } catch (java.util.zip.ZipException | java.io.EOFException z) {
            throw new IllegalArgumentException(where + ": damaged zip entry '" + name + "' (" + z.getMessage() + ")");
        }
    }

    /**
     * A zip entry lookup; java.util.zip throws a bare IllegalArgumentException ("malformed input") for an
     * entry name that is not UTF-8, which becomes our message naming the file.
     */
    private static ZipEntry named(String where, java.util.function.Supplier<? extends ZipEntry> lookup) {
        try {
            return lookup.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": damaged zip entry name (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
