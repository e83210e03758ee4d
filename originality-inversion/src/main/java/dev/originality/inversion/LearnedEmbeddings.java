package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.io.SafeTensorsFile;
import dev.originality.diffusion.io.TensorInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learned token sequences on disk. Written as diffusers' learned_embeds.safetensors: one tensor
 * [m, C] under the base token name (e.g. "<s*>"), the m vectors stacked, written atomically.
 * Read: that format, and AUTOMATIC1111 embeddings ([m, C] under "emb_params", base name from the
 * "name" metadata or else "<s*>"). A 1-D [C] tensor reads as one vector.
 *
 * @param vectors [m, C]
 */
public record LearnedEmbeddings(String base, NDArray vectors, Map<String, String> metadata) {
    public static final String A1111_KEY = "emb_params";

    public LearnedEmbeddings {
        if (vectors.getShape().dimension() != 2) {
            throw new IllegalArgumentException("learned embeddings must be [m, C], found " + vectors.getShape());
        }
        // Sorted: a file's bytes must not depend on the map's iteration order (Map.of's changes from one JVM to the next).
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metadata));
    }

    public int count() {
        return (int) vectors.getShape().get(0);
    }

    public int width() {
        return (int) vectors.getShape().get(1);
    }

    /** Writes {base: [m, C]} float32 with the metadata (atomically: temp file + rename). */
    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        SafeTensors.save(file, Map.of(base, vectors), metadata);
    }

    /** Reads either format; the width must be the text encoder's hidden size. Arrays belong to m. */
    public static LearnedEmbeddings load(Path file, NDManager m, int expectedWidth) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("embeddings file '" + file + "' does not exist");
        SafeTensorsFile f = SafeTensors.read(file);
        Entry e = entry(f, expectedWidth);
        NDArray v = f.loadWidened(e.tensor().name(), m);
        if (v.getShape().dimension() == 1) v = v.reshape(new Shape(1, v.getShape().get(0)));
        return new LearnedEmbeddings(e.base(), v, f.metadata());
    }

    /** The tensor that holds the vectors and the base token name, chosen and checked from the header alone. */
    record Entry(TensorInfo tensor, String base) {}

    /**
     * Decides from the header, before any tensor is loaded: which tensor holds the vectors, that it
     * is floating point, [m, C] or [C], with m ≥ 1 and C = {@code expectedWidth}.
     */
    static Entry entry(SafeTensorsFile f, int expectedWidth) {
        String where = "embeddings file '" + f.file() + "'";
        TensorInfo t;
        String base;
        if (f.tensors().containsKey(A1111_KEY)) {
            t = f.tensors().get(A1111_KEY);
            String name = f.metadata().get("name");
            base = name == null || name.isBlank() ? Placeholders.DEFAULT_BASE : "<" + name + ">";
        } else if (f.tensors().size() == 1) {
            t = f.tensors().values().iterator().next();
            base = t.name();
        } else {
            throw new IllegalArgumentException(where + ": expected one tensor (diffusers) or '" + A1111_KEY
                    + "' (AUTOMATIC1111), found " + abbreviate(f.tensors().keySet().toString()));
        }
        long[] shape = t.shape();
        String what = where + ": tensor '" + abbreviate(t.name()) + "'";
        if (!t.dtype().isFloat()) throw new IllegalArgumentException(what + " must be floating point, found " + t.dtype());
        if (shape.length != 1 && shape.length != 2) {
            throw new IllegalArgumentException(what + " must be [m, C], found " + Arrays.toString(shape));
        }
        long width = shape[shape.length - 1], count = shape.length == 2 ? shape[0] : 1;
        if (width != expectedWidth) {
            throw new IllegalArgumentException(where + " holds vectors of width " + width
                    + ", but the text encoder's hidden size is " + expectedWidth);
        }
        if (count < 1) throw new IllegalArgumentException(what + " holds no vectors (shape " + Arrays.toString(shape) + ")");
        if (base.isBlank()) throw new IllegalArgumentException(where + ": the token name is blank");
        return new Entry(t, base);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /** Per-token vectors for GenerationRequest.injected: "<s*1>" → [C], …, "<s*m>" → [C] (views into vectors). */
    public Map<String, NDArray> expand() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < count(); i++) out.put(Placeholders.token(base, i + 1), vectors.get(i));
        return out;
    }

    /** The prompt text for the sequence, e.g. "<s*1> <s*2> <s*3>" (use inside "a photo of {}"). */
    public String sequence() {
        return Placeholders.sequence(base, count());
    }
}
