package dev.originality.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws scenes from a spec. Image i of a dataset with seed s uses its own generator seeded from
 * (s, i, stream), so images can be made in any order or in parallel and still be identical; the
 * stream separates training images from query images made with the same seed.
 */
public final class SceneSampler {
    public static final long TRAINING_STREAM = 0x5452414E;  // "TRAN"
    public static final long QUERY_STREAM = 0x51554552;     // "QUER"

    private static final int PLACEMENT_TRIES = 64;
    private static final int LAYOUT_TRIES = 50;

    private final DatasetSpec spec;
    private final int imageSize;
    private final List<Element> vocabulary;
    private final List<Element> nonExclusive;
    private final Set<Shape> exclusive;

    public SceneSampler(DatasetSpec spec, int imageSize) {
        if (imageSize < 16 || imageSize > 4096) throw new IllegalArgumentException("image size must be in 16..4096, found " + imageSize);
        this.spec = spec;
        this.imageSize = imageSize;
        this.vocabulary = spec.vocabulary();
        this.exclusive = spec.exclusiveShapes();
        this.nonExclusive = vocabulary.stream().filter(e -> !exclusive.contains(e.shape())).toList();
        checkCrowdedLayoutFits();
    }

    /** Fails up front, not at image 73,512, when the spec's most crowded image cannot be laid out. */
    private void checkCrowdedLayoutFits() {
        Element largest = vocabulary.stream().max(java.util.Comparator.comparingDouble(this::extent)).orElseThrow();
        List<Element> crowd = java.util.Collections.nCopies(spec.maxElements(), largest);
        int fixed = spec.fixedLocation() && !spec.pairs().isEmpty() ? Math.min(2, crowd.size()) : 0;
        place(crowd, new SplittableRandom(1), fixed);
    }

    public static SplittableRandom rng(long seed, long index, long stream) {
        return new SplittableRandom(mix(mix(seed ^ stream) + index));
    }

    /** Training image {@code index}: its group by the spec's fractions, then its elements and layout. */
    public Scene trainingScene(long seed, long index) {
        SplittableRandom r = rng(seed, index, TRAINING_STREAM);
        double u = r.nextDouble();
        if (u < spec.emptyFraction()) return new Scene(List.of(), Scene.EMPTY);
        double acc = spec.emptyFraction();
        for (PairRule p : spec.pairs()) {
            acc += p.fraction();
            if (p.fraction() > 0 && u < acc) return pairScene(p, r, r.nextInt(spec.maxElements() - 1));
        }
        return otherScene(r);
    }

    /** A query of a pair group: exactly the pair, random colours (and positions unless fixed-location). */
    public Scene queryScene(PairRule pair, long seed, long index) {
        return pairScene(pair, rng(seed, index, QUERY_STREAM), 0);
    }

    private Scene pairScene(PairRule p, SplittableRandom r, int extras) {
        List<Element> els = new ArrayList<>();
        els.add(pick(vocabulary, p.a(), r));
        els.add(pick(vocabulary, p.b(), r));
        if (!nonExclusive.isEmpty()) {
            for (int i = 0; i < extras; i++) els.add(nonExclusive.get(r.nextInt(nonExclusive.size())));
        }
        boolean fixed = spec.fixedLocation() && !spec.pairs().isEmpty() && spec.pairs().get(0).equals(p);
        return new Scene(place(els, r, fixed ? 2 : 0), p.group());
    }

    private Scene otherScene(SplittableRandom r) {
        int n = 1 + r.nextInt(spec.maxElements());
        List<Element> els = new ArrayList<>(n);
        boolean haveExclusive = false;
        for (int i = 0; i < n; i++) {
            Element e = vocabulary.get(r.nextInt(vocabulary.size()));
            if (exclusive.contains(e.shape())) {
                if (haveExclusive) {
                    // A second pair shape would make this image a pair image: draw a non-pair shape instead.
                    if (nonExclusive.isEmpty()) continue;
                    e = nonExclusive.get(r.nextInt(nonExclusive.size()));
                } else {
                    haveExclusive = true;
                }
            }
            els.add(e);
        }
        return new Scene(place(els, r, 0), Scene.OTHER);
    }

    private static Element pick(List<Element> vocabulary, Shape shape, SplittableRandom r) {
        List<Element> of = vocabulary.stream().filter(e -> e.shape() == shape).toList();
        return of.get(r.nextInt(of.size()));
    }

    /**
     * Places elements uniformly without overlap: each element's centre is uniform over the
     * positions still free (rejection sampling, then, when the image is crowded, a uniform pick
     * among all free positions on a quarter-pixel lattice). Larger elements go first, which is
     * what makes 6 big elements fit in 64x64. The first {@code fixedCount} elements go to
     * {@link DatasetSpec#FIXED_CENTRES}. The returned list keeps the caption order.
     */
    private List<PlacedElement> place(List<Element> els, SplittableRandom r, int fixedCount) {
        double gap = spec.gapFraction() * imageSize;
        Integer[] order = new Integer[els.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, fixedCount, order.length,
                java.util.Comparator.comparingDouble((Integer i) -> -extent(els.get(i))));
        for (int attempt = 0; attempt < LAYOUT_TRIES; attempt++) {
            PlacedElement[] placed = new PlacedElement[els.size()];
            List<PlacedElement> sofar = new ArrayList<>(els.size());
            boolean ok = true;
            for (int k = 0; k < order.length && ok; k++) {
                int i = order[k];
                Element e = els.get(i);
                double radius = e.size().radiusFraction * imageSize;
                double extent = extent(e);
                double[] c = i < fixedCount
                        ? new double[] {DatasetSpec.FIXED_CENTRES[i][0] * imageSize, DatasetSpec.FIXED_CENTRES[i][1] * imageSize}
                        : freePosition(sofar, extent, gap, r);
                ok = c != null && fits(sofar, c[0], c[1], extent, gap);
                if (ok) {
                    placed[i] = new PlacedElement(e, c[0], c[1], radius, Geometry.bbox(e, c[0], c[1], radius, imageSize));
                    sofar.add(placed[i]);
                }
            }
            if (ok) return List.of(placed);
        }
        throw new IllegalArgumentException("cannot place " + els.size() + " elements without overlap in a "
                + imageSize + "x" + imageSize + " image; lower max elements or the gap, or raise the image size");
    }

    private double extent(Element e) {
        return e.size().radiusFraction * imageSize * Geometry.extentFactor(e.shape());
    }

    /** A uniformly drawn free centre for an element of this extent, or null when none is free. */
    private double[] freePosition(List<PlacedElement> placed, double extent, double gap, SplittableRandom r) {
        double lo = extent + 1, hi = imageSize - extent - 1;
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            double cx = lo + r.nextDouble() * (hi - lo), cy = lo + r.nextDouble() * (hi - lo);
            if (fits(placed, cx, cy, extent, gap)) return new double[] {cx, cy};
        }
        List<double[]> free = new ArrayList<>();
        for (double cy = lo; cy <= hi; cy += 0.25)
            for (double cx = lo; cx <= hi; cx += 0.25)
                if (fits(placed, cx, cy, extent, gap)) free.add(new double[] {cx, cy});
        return free.isEmpty() ? null : free.get(r.nextInt(free.size()));
    }

    private static boolean fits(List<PlacedElement> placed, double cx, double cy, double extent, double gap) {
        for (PlacedElement p : placed) {
            double other = p.radius() * Geometry.extentFactor(p.element().shape());
            if (Math.hypot(p.cx() - cx, p.cy() - cy) < extent + other + gap) return false;
        }
        return true;
    }

    /** SplitMix64 finaliser: decorrelates neighbouring seeds and indices. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
