package dev.originality.measure;

import dev.originality.measure.detect.Detection;
import dev.originality.shapes.PlacedElement;

import java.util.ArrayList;
import java.util.List;

/**
 * Pairs detections with ground-truth elements by position only (not by class), so that each
 * attribute can then be checked separately: greedy, best box overlap first. A pair needs box IoU
 * of at least {@link #MIN_IOU} or centres closer than half the truth box's longer side.
 */
public final class ElementMatcher {
    public static final double MIN_IOU = 0.3;

    private ElementMatcher() {}

    public record Pair(Detection detection, PlacedElement truth) {
        public boolean shapeOk() { return detection.shape() == truth.element().shape(); }
        public boolean colourOk() { return detection.colour() == truth.element().colour(); }
        public boolean sizeOk() { return detection.size() == truth.element().size(); }
        public boolean textureOk() { return detection.texture() == truth.element().texture(); }
        public boolean allOk() { return detection.element().equals(truth.element()); }
    }

    /** pairs: matched; missed: truth without a detection; extra: detections without a truth element. */
    public record Matching(List<Pair> pairs, List<PlacedElement> missed, List<Detection> extra) {}

    public static Matching match(List<Detection> detections, List<PlacedElement> truth) {
        int nd = detections.size(), nt = truth.size();
        List<double[]> cands = new ArrayList<>();   // {score, d, t}
        for (int d = 0; d < nd; d++)
            for (int t = 0; t < nt; t++) {
                int[] a = detections.get(d).bbox(), b = truth.get(t).bbox();
                double iou = iou(a, b);
                double dist = Math.hypot((a[0] + a[2] - b[0] - b[2]) / 2.0, (a[1] + a[3] - b[1] - b[3]) / 2.0);
                double reach = Math.max(b[2] - b[0], b[3] - b[1]) / 2.0;
                if (iou >= MIN_IOU || dist < reach) cands.add(new double[] {iou - 1e-3 * dist, d, t});
            }
        cands.sort((x, y) -> Double.compare(y[0], x[0]));
        boolean[] usedD = new boolean[nd], usedT = new boolean[nt];
        List<Pair> pairs = new ArrayList<>();
        for (double[] c : cands) {
            int d = (int) c[1], t = (int) c[2];
            if (usedD[d] || usedT[t]) continue;
            usedD[d] = usedT[t] = true;
            pairs.add(new Pair(detections.get(d), truth.get(t)));
        }
        List<PlacedElement> missed = new ArrayList<>();
        for (int t = 0; t < nt; t++) if (!usedT[t]) missed.add(truth.get(t));
        List<Detection> extra = new ArrayList<>();
        for (int d = 0; d < nd; d++) if (!usedD[d]) extra.add(detections.get(d));
        return new Matching(pairs, missed, extra);
    }

    /** Intersection over union of two [x0, y0, x1, y1) boxes. */
    public static double iou(int[] a, int[] b) {
        double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = iw * ih;
        double union = (double) (a[2] - a[0]) * (a[3] - a[1]) + (double) (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }
}
