package dev.originality.measure.score;

import dev.originality.shapes.Element;
import java.util.Locale;
import java.util.stream.Collectors;

/** A self-contained HTML page for one score: the query, every length's reconstructions with pass/fail, the verdict. */
final class ScoreReport {
    private ScoreReport() {}

    static String html(Score s, ScoreConfig c, ScoreFiles.Source src) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Originality of ").append(Html.esc(src.image()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:70em}img{image-rendering:pixelated;"
                        + "width:96px;height:96px;margin:2px;border:3px solid #ccc}img.hit{border-color:#2a2}img.miss{border-color:#c33}"
                        + "table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}"
                        + ".pass{color:#2a2;font-weight:bold}.fail{color:#c33}.verdict{font-size:2em}</style></head><body>\n");
        b.append("<h1>Originality of <code>").append(Html.esc(src.image())).append("</code></h1>\n");
        b.append("<p class=\"verdict\">Verdict: <b>").append(Html.esc(s.verdict())).append("</b> ")
                .append(s.minTokens() == null ? "(no length up to " + c.maxTokens() + " reconstructs it in distribution: original)"
                        : "(" + s.minTokens() + " learned token" + (s.minTokens() == 1 ? "" : "s") + " reconstruct it)")
                .append("</p>\n");
        b.append("<p><img src=\"query.png\" alt=\"query\"> Query as the model sees it (").append(Html.esc(s.preprocessing()))
                .append("); detected elements: ")
                .append(s.queryElements().isEmpty() ? "none" : Html.esc(s.queryElements().stream().map(Element::phrase).collect(Collectors.joining(", "))))
                .append(".</p>\n");
        b.append("<p>Model <code>").append(Html.esc(src.model())).append("</code> (sha256 ").append(Html.esc(src.modelSha256().substring(0, 12)))
                .append("…). A length passes when at least τ = ").append(fmt(c.threshold()))
                .append(" of its ").append(c.samples()).append(" reconstructions hold exactly the query's elements (green border) and their "
                        + "positions vary across seeds (mean pairwise displacement ≥ ").append(fmt(c.minVariation()))
                .append(" of the side, at most ").append(fmt(c.maxCopyShare())).append(" copying the query's layout).</p>\n");
        b.append("<table><tr><th>tokens</th><th>rate</th><th>95% CI</th><th>displacement</th><th>copies</th><th>in distribution</th><th></th><th>reconstructions</th></tr>\n");
        for (LengthResult r : s.perLength()) {
            b.append("<tr><td>").append(r.tokens()).append("</td><td>").append(fmt(r.rate())).append("</td><td>[")
                    .append(fmt(r.ci95()[0])).append(", ").append(fmt(r.ci95()[1])).append("]</td><td>")
                    .append(Double.isFinite(r.check().meanPairwiseDisplacement()) ? fmt(r.check().meanPairwiseDisplacement()) : "–")
                    .append("</td><td>").append(fmt(r.check().copyShare())).append("</td><td>")
                    .append(r.check().inDistribution() ? "yes" : "no").append("</td><td class=\"")
                    .append(r.passed() ? "pass\">pass" : "fail\">fail").append("</td><td>");
            for (int j = 0; j < r.samples(); j++) {
                boolean hit = dev.originality.measure.ElementSets.sameMultiset(
                        dev.originality.measure.ElementSets.elements(r.detections().get(j)), s.queryElements());
                String found = r.detections().get(j).stream().map(d -> d.element().phrase()).collect(Collectors.joining(", "));
                b.append(String.format(Locale.ROOT, "<img class=\"%s\" src=\"m%d/%02d.png\" title=\"seed %d: %s\" alt=\"m=%d sample %d\">",
                        hit ? "hit" : "miss", r.tokens(), j, c.seed() + j, Html.esc(found.isEmpty() ? "no elements" : found), r.tokens(), j));
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n<p>Seconds: inversion ").append(fmt(s.inversionSeconds())).append(", reconstruction ")
                .append(fmt(s.reconstructionSeconds())).append(". Command: <code>").append(Html.esc(src.provenance().path("command").asText()))
                .append("</code></p>\n</body></html>\n");
        return b.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
