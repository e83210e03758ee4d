package dev.originality.measure.detect;

import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.PlacedElement;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;

import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * The classifier's training crops, made exactly as the detector will see them: render a span-60
 * scene, damage it, segment it, and label each blob with the truth element whose (warped) box it
 * overlaps best. Blobs that match nothing, fragments of an element that another blob matches
 * better, and blobs spanning two same-coloured elements are labelled "not an element".
 * Image i depends only on (seed, i), so the set is the same however many threads make it.
 */
public final class TrainingSet {
    /** Separates the detector's damage draws from the scene draws of the same seed. */
    public static final long STREAM = 0x44455445;   // "DETE"
    private static final int[] OTHER_SIZES = {48, 96, 128};
    private static final double OTHER_SIZE_RATE = 0.2, MATCH_IOU = 0.3, SPAN_IOU = 0.15;

    /** crops: [N][cropPixels²]; shape: 0..4 or NONE; size, texture: ordinals (ignored for NONE). */
    public record Samples(float[][] crops, int[] shape, int[] size, int[] texture) {
        public int count() {
            return crops.length;
        }
    }

    private record Labelled(float[] crop, int shape, int size, int texture) {}

    private final TrainPreset preset;
    private final Map<String, SceneSampler> samplers = new ConcurrentHashMap<>();

    public TrainingSet(TrainPreset preset) {
        this.preset = preset;
    }

    public Samples make(long seed) {
        List<Labelled> all = IntStream.range(0, preset.images()).parallel()
                .mapToObj(i -> image(seed, i)).toList().stream().flatMap(List::stream).toList();
        int n = all.size();
        float[][] crops = new float[n][];
        int[] shape = new int[n], size = new int[n], tex = new int[n];
        for (int i = 0; i < n; i++) {
            Labelled l = all.get(i);
            crops[i] = l.crop;
            shape[i] = l.shape;
            size[i] = l.size;
            tex[i] = l.texture;
        }
        return new Samples(crops, shape, size, tex);
    }

    private List<Labelled> image(long seed, int index) {
        SplittableRandom r = SceneSampler.rng(seed, index, STREAM);
        int side = r.nextDouble() < OTHER_SIZE_RATE ? OTHER_SIZES[r.nextInt(OTHER_SIZES.length)] : SegmenterConfig.WORLD;
        int maxElements = r.nextDouble() < preset.sixElementRate() ? 6 : 4;
        boolean touching = r.nextDouble() < preset.touchingRate();
        Scene scene = sampler(side, maxElements, touching).trainingScene(seed, index);
        Degradation.Result d = preset.degradation().apply(Renderer.render(scene, side), r);
        InkMap map = InkMap.of(d.image());
        List<Blob> blobs = new Segmenter(preset.segmenter()).blobs(map);
        int[] label = label(blobs, scene.elements(), d.warp());
        CropSampler cropper = new CropSampler(preset.segmenter());
        List<Labelled> out = new ArrayList<>(blobs.size());
        for (int b = 0; b < blobs.size(); b++) {
            float[] crop = cropper.crop(map, blobs.get(b));
            if (label[b] < 0) {
                out.add(new Labelled(crop, ClassifierConfig.NONE, 0, 0));
            } else {
                var e = scene.elements().get(label[b]).element();
                out.add(new Labelled(crop, e.shape().ordinal(), e.size().ordinal(), e.texture().ordinal()));
            }
        }
        return out;
    }

    private SceneSampler sampler(int side, int maxElements, boolean touching) {
        return samplers.computeIfAbsent(side + "/" + maxElements + "/" + touching, k -> {
            DatasetSpec s = Presets.get("span-60").withMaxElements(maxElements);
            if (touching) {
                s = new DatasetSpec(s.name(), s.shapes(), s.colours(), s.sizes(), s.textures(), s.heldOut(), s.emptyFraction(),
                        s.maxElements(), s.pairs(), s.fixedLocation(), 0);
            }
            return new SceneSampler(s, side);
        });
    }

    /** Per blob, the index of its truth element, or -1 for "not an element". */
    static int[] label(List<Blob> blobs, List<PlacedElement> truth, AffineTransform warp) {
        int[][] boxes = new int[truth.size()][];
        for (int t = 0; t < truth.size(); t++) boxes[t] = warpBox(truth.get(t).bbox(), warp);
        int[] label = new int[blobs.size()];
        double[] bestIou = new double[blobs.size()];
        for (int b = 0; b < blobs.size(); b++) {
            label[b] = -1;
            int spanned = 0;
            for (int t = 0; t < truth.size(); t++) {
                if (truth.get(t).element().colour() != blobs.get(b).colour()) continue;
                double iou = dev.originality.measure.ElementMatcher.iou(blobs.get(b).bbox(), boxes[t]);
                if (iou >= SPAN_IOU) spanned++;
                if (iou >= MATCH_IOU && iou > bestIou[b]) {
                    bestIou[b] = iou;
                    label[b] = t;
                }
            }
            if (spanned > 1) label[b] = -1;
        }
        // An element split into several blobs: only the best-overlapping blob keeps its label.
        for (int b = 0; b < blobs.size(); b++)
            for (int o = 0; o < blobs.size(); o++)
                if (o != b && label[b] >= 0 && label[o] == label[b] && (bestIou[o] > bestIou[b] || (bestIou[o] == bestIou[b] && o < b))) {
                    label[b] = -1;
                }
        return label;
    }

    private static int[] warpBox(int[] box, AffineTransform warp) {
        if (warp.isIdentity()) return box;
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int[] c : new int[][] {{box[0], box[1]}, {box[2], box[1]}, {box[0], box[3]}, {box[2], box[3]}}) {
            Point2D p = warp.transform(new Point2D.Double(c[0], c[1]), null);
            x0 = Math.min(x0, p.getX()); y0 = Math.min(y0, p.getY()); x1 = Math.max(x1, p.getX()); y1 = Math.max(y1, p.getY());
        }
        return new int[] {(int) Math.floor(x0), (int) Math.floor(y0), (int) Math.ceil(x1), (int) Math.ceil(y1)};
    }
}
