package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.score.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html of a generalization study: findings and table first, then sample grids like the paper's
 * Fig. 13 (a row per model: empty-prompt images, prompted images, the missing elements), the Fig. 3
 * plot, and provenance. Images are relative links into the run folder; nothing is fetched.
 */
final class GeneralizationReport {
    private GeneralizationReport() {}

    static String html(GeneralizationStudy.Settings s, ObjectNode sum) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Generalization study</title>"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:80em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}"
                + "img.s{image-rendering:pixelated;width:64px;border:3px solid #eee;margin:1px}img.hit{border-color:#2a2}"
                + "code{font-size:90%}</style></head><body>\n<h1>Generalization vs training-data diversity (paper Fig. 3)</h1>\n");
        JsonNode c = sum.path("checks");
        b.append("<p>Each level trains a model on a dataset spanning that many elements with two elements held out, then draws ")
                .append(s.images()).append(" images from the empty prompt (unguided) and ").append(s.images())
                .append(" from prompts naming a missing element, and counts with the shape detector how many of the detected elements "
                        + "are the missing one. Preset <code>").append(s.preset().name()).append("</code>, seed ").append(s.seed())
                .append(", variants ").append(Html.esc(String.join(", ", s.variants()))).append(".</p>\n<ul>");
        b.append("<li>prompted above empty at every level: <b>").append(c.path("prompted_above_empty_at_every_level").asBoolean() ? "yes" : "no").append("</b></li>");
        b.append("<li>Spearman correlation of level and prompted frequency: <b>")
                .append(c.path("spearman_level_vs_prompted").isNull() ? "undefined" : pct(c.path("spearman_level_vs_prompted").asDouble(), false))
                .append("</b></li><li>prompted frequency at the most diverse level: <b>").append(pct(c.path("prompted_at_highest_level").asDouble(), true))
                .append("</b> (paper: consistent generation at 60 elements)</li></ul>\n");
        b.append("<table><tr><th>elements spanned</th><th>trained on</th><th>empty prompt: frequency [95% CI]</th><th>images with it</th>"
                + "<th>prompted: frequency [95% CI]</th><th>images with it</th><th>elements detected (empty / prompted)</th></tr>\n");
        for (JsonNode r : sum.path("results")) {
            b.append("<tr><td>").append(r.path("level").asInt()).append("</td><td>").append(r.path("trained_elements").asInt()).append("</td>");
            for (String set : GeneralizationSummary.SETS) {
                JsonNode n = r.path(set);
                b.append("<td><b>").append(pct(n.path("frequency").asDouble(), true)).append("</b> [").append(pct(n.path("ci95").path(0).asDouble(), true))
                        .append(", ").append(pct(n.path("ci95").path(1).asDouble(), true)).append("]</td><td>").append(pct(n.path("image_rate").asDouble(), true))
                        .append("</td>");
            }
            b.append("<td>").append(r.path("empty").path("elements").asLong()).append(" / ").append(r.path("prompted").path("elements").asLong())
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<h2>Samples (like the paper's Fig. 13)</h2>\n<p>Green frame: the detector found the missing element "
                + "(for a prompted image, the one its prompt names). Hover an image for its prompt and detections.</p>\n"
                + "<table><tr><th>model</th><th>empty prompt</th><th>prompt naming a missing element</th><th>missing in training</th></tr>\n");
        for (JsonNode r : sum.path("results")) {
            for (JsonNode v : r.path("variants")) {
                String dir = v.path("dir").asText();
                b.append("<tr><td>").append(r.path("level").asInt()).append(" elements<br><small>").append(Html.esc(v.path("variant").asText()))
                        .append("</small></td><td>").append(grid(dir, v.path("samples").path("empty"))).append("</td><td>")
                        .append(grid(dir, v.path("samples").path("prompted"))).append("</td><td>");
                List<String> m = new ArrayList<>();
                v.path("missing").forEach(e -> m.add(Html.esc(e.asText())));
                b.append(String.join("<br>", m)).append("</td></tr>\n");
            }
        }
        b.append("</table>\n<h2>Plot</h2>\n<p><img src=\"generalization.png\" alt=\"missing-element frequency per level\"> "
                + "(<a href=\"generalization.svg\">SVG</a>)</p>\n<h2>Provenance</h2>\n<p>Command: <code>")
                .append(Html.esc(sum.path("provenance").path("command").asText())).append("</code>; ")
                .append(Html.esc(sum.path("provenance").path("tool").asText())).append(' ')
                .append(Html.esc(sum.path("provenance").path("version").asText())).append("; seed ").append(s.seed()).append(".</p>\n<table>"
                        + "<tr><th>model</th><th>SHA-256</th><th>card</th><th>per-image detections</th></tr>\n");
        for (JsonNode r : sum.path("results")) {
            for (JsonNode v : r.path("variants")) {
                String dir = Html.esc(v.path("dir").asText());
                b.append("<tr><td>").append(dir).append("</td><td><code>").append(Html.esc(v.path("model_sha256").asText())).append("</code></td><td><a href=\"")
                        .append(dir).append("/README.md\">README.md</a></td><td><a href=\"").append(dir).append("/detections.jsonl\">detections.jsonl</a></td></tr>\n");
            }
        }
        b.append("</table>\n<p>Preset values: <code>").append(Html.esc(sum.path("preset_values").toString())).append("</code></p>\n<p>Seconds per stage: <code>")
                .append(Html.esc(sum.path("timings_seconds").toString())).append("</code></p>\n</body></html>\n");
        return b.toString();
    }

    private static String grid(String dir, JsonNode samples) {
        StringBuilder g = new StringBuilder();
        for (JsonNode x : samples) {
            String title = (x.path("prompt").asText().isEmpty() ? "empty prompt" : "\"" + x.path("prompt").asText() + "\"") + " → "
                    + (x.path("detected").asText().isEmpty() ? "nothing detected" : x.path("detected").asText());
            g.append("<img class=\"s").append(x.path("missing_found").asBoolean() ? " hit" : "").append("\" src=\"").append(Html.esc(dir)).append('/')
                    .append(Html.esc(x.path("file").asText())).append("\" title=\"").append(Html.esc(title)).append("\" alt=\"").append(Html.esc(title)).append("\">");
        }
        return g.toString();
    }

    private static String pct(double v, boolean percent) {
        return percent ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
