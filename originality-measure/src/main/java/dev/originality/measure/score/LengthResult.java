package dev.originality.measure.score;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.ElementSets;
import dev.originality.measure.detect.Detection;
import dev.originality.shapes.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The synthetic judge's verdict on one length: of {@code samples} reconstructions,
 * {@code reconstructed} hold exactly the query's elements; their layouts passed or failed the
 * in-distribution check.
 *
 * @param detections    per sample, what the detector found (sample order)
 * @param queryElements the query's element multiset, which a reconstruction must hold
 */
public record LengthResult(int tokens, int samples, int reconstructed, double[] ci95, Layouts.Check check, boolean passed,
                           boolean passesAtBest, boolean passesAtWorst,
                           List<List<Detection>> detections, double finalLoss, List<Element> queryElements) implements Verdict {
    public LengthResult {
        ci95 = ci95.clone();
        detections = List.copyOf(detections);
        queryElements = List.copyOf(queryElements);
    }

    public double rate() {
        return reconstructed / (double) samples;
    }

    @Override
    public void toJson(ObjectNode l) {
        l.put("reconstruction_rate", rate());
        ArrayNode ci = l.putArray("rate_ci95");
        ci.add(ci95[0]);
        ci.add(ci95[1]);
        l.put("in_distribution", check.inDistribution());
        l.put("reconstructed", reconstructed);
        putNumber(l, "mean_pairwise_displacement", check.meanPairwiseDisplacement());
        l.put("copy_share", check.copyShare());
        ArrayNode found = l.putArray("sample_elements");
        for (List<Detection> d : detections) {
            ArrayNode one = found.addArray();
            for (Detection x : d) one.add(x.element().phrase());
        }
    }

    @Override
    public String brief() {
        return String.format(Locale.ROOT, "%.2f%s", rate(), check.inDistribution() ? "" : " out-of-distribution");
    }

    @Override
    public List<String> cells() {
        return List.of(ScoreReport.fmt(rate()), "[" + ScoreReport.fmt(ci95[0]) + ", " + ScoreReport.fmt(ci95[1]) + "]",
                Double.isFinite(check.meanPairwiseDisplacement()) ? ScoreReport.fmt(check.meanPairwiseDisplacement()) : "–",
                ScoreReport.fmt(check.copyShare()), check.inDistribution() ? "yes" : "no");
    }

    @Override
    public List<SampleNote> notes() {
        List<SampleNote> out = new ArrayList<>();
        for (List<Detection> d : detections) {
            String found = d.stream().map(x -> x.element().phrase()).collect(Collectors.joining(", "));
            out.add(new SampleNote(ElementSets.sameMultiset(ElementSets.elements(d), queryElements), found.isEmpty() ? "no elements" : found));
        }
        return out;
    }

    @Override
    public List<Extra> extras() {
        return List.of();
    }

    static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }
}
