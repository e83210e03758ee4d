package dev.originality.measure.score;

import dev.originality.measure.detect.Detection;
import dev.originality.shapes.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic in-distribution check (paper §4.3, App. C). The world places elements at random,
 * so reconstructions that stay in distribution put the query's elements at varying positions;
 * an embedding that memorised the query's layout (the fixed-location ablation) reproduces it.
 * Distances are between element centres, as fractions of the image side.
 */
public final class Layouts {
    private Layouts() {}

    /** One element's centre, in fractions of the image side. */
    public record Placed(Element element, double x, double y) {}

    /** Mean pairwise displacement, share of samples that copy the query, and the verdict. */
    public record Check(double meanPairwiseDisplacement, double copyShare, int judged, boolean inDistribution) {}

    public static List<Placed> of(List<Detection> detections, int side) {
        List<Placed> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            int[] b = d.bbox();
            out.add(new Placed(d.element(), (b[0] + b[2]) / 2.0 / side, (b[1] + b[3]) / 2.0 / side));
        }
        return out;
    }

    /**
     * Mean centre distance between two layouts of the same element multiset: each element of a is
     * paired with the nearest unpaired element of the same kind in b (greedy, closest pairs first).
     * 0 for two empty layouts.
     */
    public static double displacement(List<Placed> a, List<Placed> b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("layouts of different sizes: " + a.size() + " and " + b.size());
        if (a.isEmpty()) return 0;
        List<double[]> pairs = new ArrayList<>();   // {distance, i, j}
        for (int i = 0; i < a.size(); i++)
            for (int j = 0; j < b.size(); j++)
                if (a.get(i).element().equals(b.get(j).element())) {
                    pairs.add(new double[] {Math.hypot(a.get(i).x() - b.get(j).x(), a.get(i).y() - b.get(j).y()), i, j});
                }
        pairs.sort((p, q) -> Double.compare(p[0], q[0]));
        boolean[] usedA = new boolean[a.size()], usedB = new boolean[b.size()];
        double sum = 0;
        int n = 0;
        for (double[] p : pairs) {
            int i = (int) p[1], j = (int) p[2];
            if (usedA[i] || usedB[j]) continue;
            usedA[i] = usedB[j] = true;
            sum += p[0];
            n++;
        }
        if (n != a.size()) throw new IllegalArgumentException("layouts do not hold the same elements");
        return sum / n;
    }

    /**
     * The check over the samples that reconstruct the query (all hold its element multiset).
     * In distribution = fewer than two samples to compare or their mean pairwise displacement
     * reaches minVariation, and at most maxCopyShare of them lie within copyDistance of the query's
     * layout. A query without elements has nothing to place and passes.
     */
    public static Check check(List<Placed> query, List<List<Placed>> reconstructions, ScoreConfig c) {
        int n = reconstructions.size();
        if (query.isEmpty() || n == 0) return new Check(Double.NaN, 0, n, true);
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                sum += displacement(reconstructions.get(i), reconstructions.get(j));
                pairs++;
            }
        double mean = pairs == 0 ? Double.NaN : sum / pairs;
        int copies = 0;
        for (List<Placed> r : reconstructions) if (displacement(query, r) < c.copyDistance()) copies++;
        double share = copies / (double) n;
        boolean varied = pairs == 0 || mean >= c.minVariation();
        return new Check(mean, share, n, varied && share <= c.maxCopyShare());
    }
}
