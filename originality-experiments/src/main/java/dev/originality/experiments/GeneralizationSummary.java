package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * summary.json of a generalization study, from the levels' evaluation.json files: per level the
 * frequency of the missing element with the empty prompt and with the prompt naming it, averaged over
 * variants (paper App. B.2 "Addressing Bias"), with 95% bootstrap intervals; and the checks Fig. 3
 * suggests (prompted above empty at every level, rising with diversity).
 */
final class GeneralizationSummary {
    static final String[] SETS = {"empty", "prompted"};

    private GeneralizationSummary() {}

    static ObjectNode of(GeneralizationStudy.Settings s, Path out, ObjectNode timings) throws IOException {
        ObjectNode o = OriginalityStudy.JSON.createObjectNode();
        o.put("study", "generalization (paper §2, Fig. 3, App. B.2)");
        o.put("preset", s.preset().name());
        o.set("preset_values", OriginalityStudy.JSON.valueToTree(s.preset()));
        o.put("images_per_set", s.images());
        o.put("seed", s.seed());
        o.set("levels", OriginalityStudy.JSON.valueToTree(s.levels()));
        o.set("variants", OriginalityStudy.JSON.valueToTree(s.variants()));
        o.put("frequency", "detections of the missing element / all detections in the set (confidence >= "
                + s.preset().detectorThreshold() + "); prompted images each name one missing element and count only that one");
        ArrayNode results = o.putArray("results");
        double[] x = new double[s.levels().size()], prompted = new double[s.levels().size()];
        boolean above = true;
        for (int li = 0; li < s.levels().size(); li++) {
            int level = s.levels().get(li);
            ObjectNode r = results.addObject();
            DatasetSpec any = Presets.get("span-" + level, s.variants().get(0));
            r.put("level", level);
            r.put("trained_elements", any.vocabulary().size());
            ArrayNode vs = r.putArray("variants");
            List<List<MissingTally>> tallies = List.of(new ArrayList<>(), new ArrayList<>());
            for (String v : s.variants()) {
                String dir = GeneralizationStudy.levelDir(level, v);
                JsonNode ev = OriginalityStudy.JSON.readTree(out.resolve(dir).resolve(MissingElementEvaluation.FILE).toFile());
                ObjectNode n = vs.addObject();
                n.put("variant", v);
                n.put("dir", dir);
                n.set("missing", ev.path("key").path("missing"));
                n.set("model_sha256", ev.path("key").path("model_sha256"));
                for (int k = 0; k < SETS.length; k++) {
                    ObjectNode set = ((ObjectNode) ev.path(SETS[k])).deepCopy();
                    set.remove(List.of("missing_per_image", "elements_per_image"));
                    n.set(SETS[k], set);
                    tallies.get(k).add(MissingElementEvaluation.stored(ev, SETS[k]));
                }
                n.set("samples", ev.path("samples"));
            }
            for (int k = 0; k < SETS.length; k++) {
                ObjectNode m = r.putObject(SETS[k]);
                m.put("frequency", tallies.get(k).stream().mapToDouble(MissingTally::frequency).average().orElseThrow());
                m.set("ci95", OriginalityStudy.JSON.valueToTree(MissingTally.ci95(tallies.get(k), s.seed() + 31L * level + k)));
                m.put("image_rate", tallies.get(k).stream().mapToDouble(MissingTally::imageRate).average().orElseThrow());
                m.put("elements", tallies.get(k).stream().mapToLong(MissingTally::elementsTotal).sum());
            }
            x[li] = level;
            prompted[li] = r.path("prompted").path("frequency").asDouble();
            above &= prompted[li] > r.path("empty").path("frequency").asDouble();
        }
        ObjectNode c = o.putObject("checks");
        c.put("prompted_above_empty_at_every_level", above);
        c.put("prompted_at_highest_level", prompted[prompted.length - 1]);
        double rho = Spearman.rho(x, prompted);
        if (Double.isNaN(rho)) c.putNull("spearman_level_vs_prompted");
        else c.put("spearman_level_vs_prompted", rho);
        o.set("timings_seconds", timings.deepCopy());
        return o;
    }
}
