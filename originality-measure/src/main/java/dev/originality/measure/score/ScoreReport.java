package dev.originality.measure.score;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page for one score: the query, every length's reconstructions (and the
 * judge's further images, e.g. editability) with the judge's numbers and pass/fail, the verdict.
 */
final class ScoreReport {
    private ScoreReport() {}

    static String html(Score s, ScoreConfig c, ScoreFiles.Source src) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Originality of ").append(Html.esc(src.image()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:80em}img{image-rendering:pixelated;"
                        + "width:96px;height:96px;margin:2px;border:3px solid #ccc}img.hit{border-color:#2a2}img.miss{border-color:#c33}"
                        + "figure{display:inline-block;margin:0;text-align:center;font-size:small}"
                        + "table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
                        + ".pass{color:#2a2;font-weight:bold}.fail{color:#c33}.verdict{font-size:2em}</style></head><body>\n");
        b.append("<h1>Originality of <code>").append(Html.esc(src.image())).append("</code></h1>\n");
        String[] range = s.verdictRange();
        b.append("<p class=\"verdict\">Verdict: <b>").append(Html.esc(s.verdict())).append("</b> ")
                .append(s.minTokens() == null ? "(no length up to " + c.maxTokens() + " reconstructs it in distribution: original)"
                        : "(" + s.minTokens() + " learned token" + (s.minTokens() == 1 ? "" : "s") + " reconstruct it)")
                .append("</p>\n<p>Within the 95% intervals of the per-length figures the verdict lies between <b>")
                .append(Html.esc(range[0])).append("</b> and <b>").append(Html.esc(range[1]))
                .append("</b>").append(range[0].equals(range[1]) ? " (the samples settle it)" : " (more samples, <code>--samples</code>, narrow it)")
                .append(".</p>\n");
        b.append("<p><img src=\"query.png\" alt=\"query\"> Query as the model sees it (").append(Html.esc(s.preprocessing()))
                .append("); ").append(s.queryNote().html()).append(".</p>\n");
        b.append("<p>Model <code>").append(Html.esc(src.model())).append("</code> (sha256 ").append(Html.esc(src.modelSha256().substring(0, 12)))
                .append("…), judge <b>").append(Html.esc(s.judge().name())).append("</b>. ").append(s.judge().ruleHtml()).append("</p>\n");
        b.append("<table><tr><th>tokens</th>");
        for (String col : s.judge().columns()) b.append("<th>").append(Html.esc(col)).append("</th>");
        b.append("<th></th><th>reconstructions</th></tr>\n");
        for (Verdict r : s.perLength()) {
            b.append("<tr><td>").append(r.tokens()).append("</td>");
            for (String cell : r.cells()) b.append("<td>").append(Html.esc(cell)).append("</td>");
            b.append("<td class=\"").append(r.passed() ? "pass\">pass" : "fail\">fail");
            var chosen = s.selection().get(r.tokens());
            if (chosen != null) {                                 // restarts: which chain drew these, and every chain's loss
                b.append("<br><small>chain ").append(chosen.kept() + 1).append(" of ").append(chosen.evalLoss().length).append(" kept; losses ");
                for (int k = 0; k < chosen.evalLoss().length; k++) b.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5f", chosen.evalLoss()[k]));
                b.append("</small>");
            }
            b.append("</td><td>");
            List<Verdict.SampleNote> notes = r.notes();
            for (int j = 0; j < notes.size(); j++) {
                image(b, String.format(Locale.ROOT, "m%d/%02d.png", r.tokens(), j), notes.get(j), c.seed() + j, "m=" + r.tokens() + " sample " + j);
            }
            for (Verdict.Extra x : r.extras()) {
                b.append("<br>").append(Html.esc(x.caption())).append(":<br>");
                for (int j = 0; j < x.notes().size(); j++) {
                    image(b, "m" + r.tokens() + "/" + ScoreFiles.extraName(x, j), x.notes().get(j), c.seed() + j,
                            "m=" + r.tokens() + " " + x.prefix() + " " + j);
                }
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n<p>Seconds: inversion ").append(fmt(s.inversionSeconds())).append(", reconstruction ")
                .append(fmt(s.reconstructionSeconds())).append(". Command: <code>").append(Html.esc(src.provenance().path("command").asText()))
                .append("</code></p>\n</body></html>\n");
        return b.toString();
    }

    /** One image with its note under it (the judge's number, e.g. a DreamSim distance) and a hit/miss border. */
    private static void image(StringBuilder b, String src, Verdict.SampleNote n, long seed, String alt) {
        b.append("<figure><img class=\"").append(n.good() ? "hit" : "miss").append("\" src=\"").append(Html.esc(src))
                .append("\" title=\"seed ").append(seed).append(": ").append(Html.esc(n.title())).append("\" alt=\"").append(Html.esc(alt))
                .append("\"><figcaption>").append(Html.esc(n.title())).append("</figcaption></figure>");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
