package dev.originality.measure.score;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.ElementSets;
import dev.originality.measure.detect.Detection;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.Element;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The synthetic judge (paper §4.3, App. C): a reconstruction counts when the detector finds exactly
 * the query's element multiset in it; a length passes when at least τ of its reconstructions count
 * and their layouts vary across seeds (the world places elements at random).
 */
public final class DetectorJudge implements Judge {
    private final ShapeDetector detector;
    private final ScoreConfig config;

    public DetectorJudge(ShapeDetector detector, ScoreConfig config) {
        this.detector = detector;
        this.config = config;
    }

    /** The shapes world's captions are bare word lists, so the sequence alone is the prompt. */
    @Override
    public String reconstructionPrompt() {
        return "{}";
    }

    @Override
    public Description describe() {
        String rule = "A length passes when at least τ = " + ScoreReport.fmt(config.threshold()) + " of its " + config.samples()
                + " reconstructions hold exactly the query's elements (green border) and their positions vary across seeds "
                + "(mean pairwise displacement ≥ " + ScoreReport.fmt(config.minVariation()) + " of the side, at most "
                + ScoreReport.fmt(config.maxCopyShare()) + " copying the query's layout).";
        return new Description("detector", ScoreFiles.JSON.createObjectNode(), rule,
                List.of("rate", "95% CI", "displacement", "copies", "in distribution"));
    }

    @Override
    public Session start(BufferedImage query) {
        List<Detection> found = detector.detect(query, config.detectorThreshold());
        List<Element> elements = ElementSets.elements(found);
        List<Layouts.Placed> layout = Layouts.of(found, query.getWidth());
        return new Session() {
            @Override
            public Verdict judge(int tokens, NDArray vectors, List<BufferedImage> reconstructions, double finalLoss) {
                return DetectorJudge.this.judge(tokens, reconstructions, elements, layout, finalLoss);
            }

            @Override
            public QueryNote note() {
                ObjectNode json = ScoreFiles.JSON.createObjectNode();
                ArrayNode q = json.putArray("query_elements");
                for (Element e : elements) q.add(e.phrase());
                String html = "detected elements: " + (elements.isEmpty() ? "none"
                        : Html.esc(elements.stream().map(Element::phrase).collect(Collectors.joining(", "))));
                return new QueryNote(json, html);
            }
        };
    }

    /** Judges the samples of one length against the query's elements and layout. */
    LengthResult judge(int tokens, List<BufferedImage> samples, List<Element> elements, List<Layouts.Placed> layout, double loss) {
        List<List<Detection>> dets = detector.detectAll(samples, config.detectorThreshold());
        List<List<Layouts.Placed>> hits = new ArrayList<>();
        for (int j = 0; j < samples.size(); j++) {
            if (ElementSets.sameMultiset(ElementSets.elements(dets.get(j)), elements)) {
                hits.add(Layouts.of(dets.get(j), samples.get(j).getWidth()));
            }
        }
        Layouts.Check check = Layouts.check(layout, hits, config);
        double rate = hits.size() / (double) samples.size();
        double[] ci = Bootstrap.ci95(hits.size(), samples.size(), config.seed() * 31 + tokens);
        java.util.function.DoublePredicate passes = r -> r >= config.threshold() && check.inDistribution();   // the rate, or an end of its interval
        return new LengthResult(tokens, samples.size(), hits.size(), ci, check, passes.test(rate), passes.test(ci[1]), passes.test(ci[0]),
                dets, loss, elements);
    }
}
