package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.score.Html;
import java.util.List;
import java.util.Locale;

/** Self-contained HTML pages of the studies (relative links to the run's own files; no network). */
final class StudyReport {
    private StudyReport() {}

    static String originality(OriginalityStudy.Settings s, List<OriginalityStudy.Row> rows, ObjectNode summary, int k) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Originality study</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:72em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}"
                + "img.q{image-rendering:pixelated;width:64px}</style></head><body>\n<h1>Originality per frequency group (paper Fig. 6)</h1>\n");
        b.append("<p>Model <code>").append(Html.esc(summary.path("model").asText())).append("</code>; ").append(s.perGroup())
                .append(" fresh queries per group (seed ").append(s.seed()).append("), each exactly its group's pair with random colours and places. "
                        + "Verdict = the fewest learned tokens (1..").append(k).append(") whose reconstructions hold the query's elements in at least τ of the samples, "
                        + "in distribution; + = none.</p>\n");
        b.append("<p><img src=\"originality.png\" alt=\"verdicts per group\"></p>\n<table><tr><th>group</th><th>pair</th><th>in training</th>"
                + "<th>queries</th><th>verdicts</th><th>median</th><th>mean (+ = ").append(k + 1).append(")</th></tr>\n");
        for (String g : s.groups()) {
            JsonNode n = summary.path("groups").path(g);
            StringBuilder v = new StringBuilder();
            n.path("verdicts").fields().forEachRemaining(e -> v.append(e.getKey()).append(": ").append(e.getValue().asInt()).append("&nbsp; "));
            b.append("<tr><td>").append(g).append("</td><td>").append(Html.esc(n.path("pair").asText())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * n.path("training_fraction").asDouble())).append("</td><td>")
                    .append(n.path("queries").asInt()).append("</td><td>").append(v).append("</td><td>").append(n.path("median").asText())
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", n.path("mean").asDouble())).append("</td></tr>\n");
        }
        b.append("</table>\n<p>Spearman correlation between frequency class and min tokens: <b>").append(spearman(summary))
                .append("</b></p>\n<h2>Queries</h2>\n<table><tr><th>group</th><th>query</th><th>caption</th><th>verdict</th><th>rate per length</th></tr>\n");
        for (OriginalityStudy.Row r : rows) {
            String name = String.format(Locale.ROOT, "%02d", r.index());
            b.append("<tr><td>").append(r.group()).append("</td><td><a href=\"scores/").append(r.group()).append('/').append(name)
                    .append("/report.html\"><img class=\"q\" src=\"queries/").append(r.group()).append('/').append(name).append(".png\"></a></td><td>")
                    .append(Html.esc(r.caption())).append("</td><td><b>").append(r.verdict()).append("</b></td><td>")
                    .append(rates(r, " · ")).append("</td></tr>\n");
        }
        b.append("</table>\n<p>Command: <code>").append(Html.esc(summary.path("provenance").path("command").asText())).append("</code></p></body></html>\n");
        return b.toString();
    }

    /** The same tables as Markdown: the group summary, then one row per query with its rates, verdict, range and seconds. */
    static String originalityMarkdown(OriginalityStudy.Settings s, List<OriginalityStudy.Row> rows, ObjectNode summary, int k) {
        StringBuilder b = new StringBuilder("# Originality per frequency group (paper Fig. 6)\n\nModel `")
                .append(summary.path("model").asText()).append("`, ").append(s.perGroup()).append(" queries per group, seed ").append(s.seed())
                .append(". Verdict = the fewest learned tokens (1..").append(k).append(") that reconstruct the query; + = none.\n\n")
                .append("| group | pair | in training | queries | verdicts | median | mean (+ = ").append(k + 1).append(") |\n")
                .append("| --- | --- | ---: | ---: | --- | --- | ---: |\n");
        for (String g : s.groups()) {
            JsonNode n = summary.path("groups").path(g);
            StringBuilder v = new StringBuilder();
            n.path("verdicts").fields().forEachRemaining(e -> {
                if (e.getValue().asInt() > 0) v.append(v.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue().asInt());
            });
            b.append("| ").append(g).append(" | ").append(n.path("pair").asText()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * n.path("training_fraction").asDouble())).append(" | ")
                    .append(n.path("queries").asInt()).append(" | ").append(v).append(" | ").append(n.path("median").asText()).append(" | ")
                    .append(n.has("mean") ? String.format(Locale.ROOT, "%.2f", n.path("mean").asDouble()) : "").append(" |\n");
        }
        b.append("\nSpearman correlation between frequency class and min tokens: **").append(spearman(summary)).append("**\n\n")
                .append("| query | caption | rates m1..m").append(k).append(" | verdict (95% range) | seconds |\n| --- | --- | --- | --- | ---: |\n");
        for (OriginalityStudy.Row r : rows) {
            String range = r.range().size() == 2 ? " (" + r.range().get(0) + ".." + r.range().get(1) + ")" : "";
            b.append("| ").append(r.group()).append(String.format(Locale.ROOT, "/%02d | ", r.index())).append(r.caption()).append(" | ")
                    .append(rates(r, ", ")).append(" | **")
                    .append(r.verdict()).append("**").append(range).append(" | ")
                    .append(r.seconds() == null ? "" : String.format(Locale.ROOT, "%,.0f", r.seconds())).append(" |\n");
        }
        return b.toString();
    }

    private static String spearman(ObjectNode summary) {
        JsonNode rho = summary.path("spearman_group_vs_min_tokens");
        return rho.isNull() ? "undefined" : String.format(Locale.ROOT, "%.2f", rho.asDouble());
    }

    /** The row's reconstruction rates, two decimals each, joined by sep. */
    private static String rates(OriginalityStudy.Row r, String sep) {
        return String.join(sep, r.rates().stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
    }
}
