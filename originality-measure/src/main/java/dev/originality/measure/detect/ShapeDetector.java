package dev.originality.measure.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.nn.Weights;
import dev.originality.shapes.Element;
import dev.originality.shapes.Shape;
import dev.originality.shapes.Size;
import dev.originality.shapes.Texture;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the elements in an image of the synthetic world: colour segmentation into blobs
 * ({@link Segmenter}), then a small CNN ({@link ClassifierNet}) on a crop of each blob for shape
 * (or "not an element"), size and texture. Detections below the confidence threshold are dropped
 * (paper App. B.1 kept YOLOv8 detections with confidence ≥ 0.9).
 */
public final class ShapeDetector implements AutoCloseable {
    public static final double DEFAULT_THRESHOLD = 0.9;
    private static final Shape[] SHAPES = Shape.values();

    private final DetectorModel model;
    private final Segmenter segmenter;
    private final CropSampler crops;
    private final NDManager manager;
    private final ClassifierNet net;

    public ShapeDetector(DetectorModel model) {
        this.model = model;
        this.segmenter = new Segmenter(model.segmenter());
        this.crops = new CropSampler(model.segmenter());
        this.manager = NDManager.newBaseManager();
        this.net = ClassifierNet.of(model.classifier(), new Weights(model.tensors(manager), "detector weights"));
    }

    public static ShapeDetector load(Path dir) throws IOException {
        return new ShapeDetector(DetectorModel.load(dir));
    }

    /** The shipped model, {@code models/detector}, found from the working directory or the code location. */
    public static ShapeDetector loadDefault() throws IOException {
        return load(DetectorModels.locateDefault());
    }

    public DetectorModel model() {
        return model;
    }

    public List<Detection> detect(BufferedImage image) {
        return detect(image, DEFAULT_THRESHOLD);
    }

    /** Detections with confidence ≥ threshold, in blob order (colour, then raster order of the first pixel). */
    public List<Detection> detect(BufferedImage image, double threshold) {
        return detectAll(List.of(image), threshold).get(0);
    }

    /** Batched over images: one classifier call for all their blobs (the fast path for evaluation). */
    public List<List<Detection>> detectAll(List<BufferedImage> images, double threshold) {
        return analyseAll(images, threshold).stream().map(Analysis::detections).toList();
    }

    /**
     * What the detector made of one image: its confident detections and how many colour blobs it
     * found in all. {@link #clean()} when every blob is a confident element (no speck, fragment,
     * smear or doubtful shape): the quality measure of generated images.
     */
    public record Analysis(List<Detection> detections, int blobs) {
        public boolean clean() {
            return detections.size() == blobs;
        }
    }

    public List<Analysis> analyseAll(List<BufferedImage> images, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("threshold must be in [0, 1], found " + threshold);
        List<List<Blob>> blobs = new ArrayList<>(images.size());
        List<float[]> all = new ArrayList<>();
        for (BufferedImage img : images) {
            InkMap map = InkMap.of(img);
            List<Blob> b = segmenter.blobs(map);
            blobs.add(b);
            for (Blob blob : b) all.add(crops.crop(map, blob));
        }
        float[][] probs = classify(all);
        List<Analysis> out = new ArrayList<>(images.size());
        int k = 0;
        for (List<Blob> b : blobs) {
            List<Detection> dets = new ArrayList<>();
            for (Blob blob : b) {
                Detection d = decide(blob, probs[k++]);
                if (d != null && d.confidence() >= threshold) dets.add(d);
            }
            out.add(new Analysis(dets, b.size()));
        }
        return out;
    }

    /** Per crop, the softmax of each head: [0, 6) shape incl. NONE, [6, 8) size, [8, 10) texture. */
    float[][] classify(List<float[]> cropList) {
        int n = cropList.size(), px = model.classifier().cropPixels();
        float[][] out = new float[n][];
        if (n == 0) return out;
        float[] flat = new float[n * px * px];
        for (int i = 0; i < n; i++) System.arraycopy(cropList.get(i), 0, flat, i * px * px, px * px);
        synchronized (net) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(flat, new ai.djl.ndarray.types.Shape(n, 1, px, px));   // [N, 1, n, n]
                NDArray logits = net.logits(x);                                                 // [N, 10]
                float[] shape = logits.get(":, 0:6").softmax(1).toFloatArray();
                float[] size = logits.get(":, 6:8").softmax(1).toFloatArray();
                float[] tex = logits.get(":, 8:10").softmax(1).toFloatArray();
                for (int i = 0; i < n; i++) {
                    float[] p = new float[ClassifierConfig.LOGITS];
                    System.arraycopy(shape, i * 6, p, 0, 6);
                    System.arraycopy(size, i * 2, p, 6, 2);
                    System.arraycopy(tex, i * 2, p, 8, 2);
                    out[i] = p;
                }
            }
        }
        return out;
    }

    /** The blob's element, or null when the classifier calls it "not an element". */
    private static Detection decide(Blob blob, float[] p) {
        int shape = argMax(p, 0, 6), size = argMax(p, 6, 8) - 6, tex = argMax(p, 8, 10) - 8;
        if (shape == ClassifierConfig.NONE) return null;
        double conf = p[shape] * p[6 + size] * p[8 + tex] * blob.purity();
        Element e = new Element(SHAPES[shape], blob.colour(), Size.values()[size], Texture.values()[tex]);
        return new Detection(e, blob.bbox(), Math.max(0, Math.min(1, conf)));
    }

    private static int argMax(float[] p, int from, int to) {
        int best = from;
        for (int i = from + 1; i < to; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    @Override
    public void close() {
        manager.close();
    }
}
