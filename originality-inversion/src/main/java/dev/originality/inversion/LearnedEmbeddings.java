package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.io.SafeTensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
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
        Map<String, NDArray> all = f.loadAllWidened(m);
        String key;
        String base;
        if (all.containsKey(A1111_KEY)) {
            key = A1111_KEY;
            String name = f.metadata().get("name");
            base = name == null || name.isBlank() ? Placeholders.DEFAULT_BASE : "<" + name + ">";
        } else if (all.size() == 1) {
            key = all.keySet().iterator().next();
            base = key;
        } else {
            throw new IllegalArgumentException("embeddings file '" + file + "': expected one tensor (diffusers) or '" + A1111_KEY
                    + "' (AUTOMATIC1111), found " + all.keySet());
        }
        NDArray v = all.get(key);
        if (v.getShape().dimension() == 1) v = v.reshape(new Shape(1, v.getShape().get(0)));
        if (v.getShape().dimension() != 2) {
            throw new IllegalArgumentException("embeddings file '" + file + "': tensor '" + key + "' must be [m, C], found " + v.getShape());
        }
        if (v.getShape().get(1) != expectedWidth) {
            throw new IllegalArgumentException("embeddings file '" + file + "' holds vectors of width " + v.getShape().get(1)
                    + ", but the text encoder's hidden size is " + expectedWidth);
        }
        return new LearnedEmbeddings(base, v, f.metadata());
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
