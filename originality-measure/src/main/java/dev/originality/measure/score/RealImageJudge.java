package dev.originality.measure.score;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.clip.ClipZeroShot;
import dev.originality.measure.dreamsim.DreamSim;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * The real-image judge (paper §4.2-4.3, App. E.2, F). Reconstruction: the mean DreamSim distance of
 * the N reconstructions ("a photo of S*_m") to the query is at most the threshold. In distribution
 * (editability): N images of the edit prompt ("cat in S*_m", same seeds) are drawn, and an edit
 * counts as followed when CLIP zero-shot scores it closer to the edit text with the domain word
 * ("cat in house") than to the unedited prompt ("a photo of house"); the editability rate is the
 * share followed and must reach the minimum. A length passes when both hold.
 */
public final class RealImageJudge implements Judge {
    private final StableDiffusion sd;
    private final ScoreConfig score;
    private final DreamSim dreamSim;
    private final ClipZeroShot clip;
    private final RealJudgeConfig config;

    public RealImageJudge(StableDiffusion sd, ScoreConfig score, DreamSim dreamSim, ClipZeroShot clip, RealJudgeConfig config) {
        this.sd = sd;
        this.score = score;
        this.dreamSim = dreamSim;
        this.clip = clip;
        this.config = config;
    }

    @Override
    public String reconstructionPrompt() {
        return config.reconstructionPrompt();
    }

    @Override
    public Description describe() {
        ObjectNode s = ScoreFiles.JSON.valueToTree(config);
        s.put("edit_text", config.editText()).put("plain_text", config.plainText());
        String rule = "A length passes when the mean DreamSim distance of its " + score.samples() + " reconstructions (\""
                + Html.esc(config.reconstructionPrompt().replace("{}", "S*_m")) + "\") to the query is at most "
                + ScoreReport.fmt(config.distanceThreshold()) + " (green border: this sample is) and at least "
                + ScoreReport.fmt(config.minEditability()) + " of its edits (\"" + Html.esc(config.editPrompt().replace("{}", "S*_m"))
                + "\") follow the edit: CLIP scores them closer to \"" + Html.esc(config.editText()) + "\" than to \""
                + Html.esc(config.plainText()) + "\".";
        return new Description("dreamsim+clip", s, rule, List.of("DreamSim mean", "95% CI", "editability", "in distribution"));
    }

    @Override
    public Session start(BufferedImage query) {
        return new Session() {
            @Override
            public Verdict judge(int tokens, NDArray vectors, List<BufferedImage> reconstructions, double finalLoss) {
                double[] d = dreamSim.distances(query, reconstructions);
                double mean = 0;
                for (double x : d) mean += x / d.length;
                double[] ci = Bootstrap.meanCi95(d, score.seed() * 31 + tokens);
                List<BufferedImage> edits = new Reconstructor(sd, score, config.editPrompt()).draw(Map.of(tokens, vectors), i -> {}).get(tokens);
                float[][] logits = clip.logits(edits, List.of(config.editText(), config.plainText()));   // [N][2]
                boolean[] followed = new boolean[edits.size()];
                int n = 0;
                for (int j = 0; j < edits.size(); j++) {
                    followed[j] = logits[j][0] > logits[j][1];
                    if (followed[j]) n++;
                }
                double rate = n / (double) edits.size();
                boolean inDistribution = rate >= config.minEditability();
                java.util.function.DoublePredicate passes = x -> x <= config.distanceThreshold() && inDistribution; // the mean, or an end of its interval
                return new RealVerdict(tokens, d, mean, ci, edits, followed, logits, rate, inDistribution,
                        passes.test(mean), passes.test(ci[0]), passes.test(ci[1]), finalLoss, config);
            }

            @Override
            public QueryNote note() {
                return new QueryNote(ScoreFiles.JSON.createObjectNode(), "reconstructions are compared with it by DreamSim");
            }
        };
    }
}
