package dev.originality.shapes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * A Hugging Face imagefolder: DIR/images/NNNNNN.png, DIR/metadata.jsonl (one line per image),
 * DIR/dataset.json (provenance, spec, counts and frequency tables).
 */
public final class ImageFolder {
    public static final String METADATA = "metadata.jsonl";
    /** The sub-folder that holds the images. */
    public static final String IMAGES = "images";
    public static final String INFO = "dataset.json";
    private static final int BLOCK = 256;

    private ImageFolder() {}

    /**
     * Renders and writes {@code count} scenes in parallel; the folder appears atomically.
     *
     * @param provenance written into dataset.json as is (command, seed, spec, version…)
     * @param progress   called with the number of images finished in each block
     */
    public static DatasetStats write(Path out, boolean overwrite, int count, int imageSize, IntFunction<Scene> scenes,
                                     ObjectNode provenance, IntConsumer progress) throws IOException {
        if (count <= 0) throw new IllegalArgumentException("count must be positive, found " + count);
        OutputDir dir = OutputDir.begin(out, overwrite);
        try {
            Files.createDirectories(dir.dir().resolve(IMAGES));
            Scene[] all = new Scene[count];
            String[] lines = new String[count];
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "render");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int start = 0; start < count; start += BLOCK) {
                    int s = start, e = Math.min(count, start + BLOCK);
                    jobs.add(pool.submit(() -> {
                        for (int i = s; i < e; i++) {
                            Scene scene = scenes.apply(i);
                            String file = fileName(i);
                            writeBytes(dir.dir().resolve(file), Png.encode(Renderer.render(scene, imageSize)));
                            all[i] = scene;
                            lines[i] = Metadata.line(new ImageRecord(file, scene.caption(), scene.group(), scene.elements()));
                        }
                        progress.accept(e - s);
                    }));
                }
                for (Future<?> f : jobs) f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                throw new IOException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                pool.shutdownNow();
            }
            DatasetStats stats = new DatasetStats();
            for (Scene s : all) stats.add(s);
            Files.write(dir.dir().resolve(METADATA), List.of(lines), StandardCharsets.UTF_8);
            ObjectNode info = provenance.deepCopy();
            info.put("count", count);
            info.put("image_size", imageSize);
            info.set("stats", stats.toJson(Metadata.JSON));
            Files.writeString(dir.dir().resolve(INFO), Metadata.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n");
            dir.commit();
            return stats;
        } catch (IOException | RuntimeException e) {
            dir.abort();
            throw e;
        }
    }

    public static String fileName(int index) {
        return String.format("%s/%06d.png", IMAGES, index);
    }

    /** Reads metadata.jsonl; fails with the folder, line and reason on anything malformed. */
    public static List<ImageRecord> read(Path dir) throws IOException {
        Path meta = dir.resolve(METADATA);
        if (!Files.isRegularFile(meta)) {
            throw new IllegalArgumentException("'" + dir + "' is not an imagefolder: expected " + METADATA + " in it");
        }
        List<ImageRecord> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                ImageRecord rec = Metadata.parse(line, meta + " line " + n);
                Path file = dir.resolve(rec.fileName()).normalize();
                if (!file.startsWith(dir.normalize())) {
                    throw new IllegalArgumentException(meta + " line " + n + ": file_name '" + rec.fileName() + "' points outside the folder");
                }
                out.add(rec);
            }
        } catch (java.nio.charset.CharacterCodingException e) { // raw, it says only "Input length = 1"
            throw new IllegalArgumentException(meta + ": expected UTF-8 text, found invalid bytes");
        }
        return out;
    }

    private static void writeBytes(Path p, byte[] b) {
        try {
            Files.write(p, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
