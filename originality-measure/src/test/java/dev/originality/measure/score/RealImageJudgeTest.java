package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.Templates;
import dev.originality.measure.clip.ClipZeroShot;
import dev.originality.measure.dreamsim.DreamSim;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-image judge on the tiny fixtures: random weights, so only the plumbing and the rules are checked. */
class RealImageJudgeTest {
    static final Path SD = OriginalityScorerTest.TINY;
    static final Path DREAMSIM = Path.of("src/test/resources/dreamsim-tiny/model");
    static final Path CLIP = Path.of("src/test/resources/clip-tiny/model");

    static BufferedImage photo(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(200, 120, 40), w, h, new Color(30, 60, 180)));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.fillOval(w / 4, h / 4, w / 3, h / 3);
        g.dispose();
        return img;
    }

    @Test
    void scoresWithDreamSimDistancesAndEditabilityAndWritesThem(@TempDir Path dir) throws Exception {
        ScoreConfig c = ScoreConfig.tiny().withSeed(3);
        c = c.withInversion(c.inversion().withInitToken("house").withTemplates(Templates.OBJECT).withSteps(5));
        RealJudgeConfig rc = RealJudgeConfig.defaults("house");
        try (StableDiffusion sd = StableDiffusion.load(SD); var m = ai.djl.ndarray.NDManager.newBaseManager();
             DreamSim ds = DreamSim.load(DREAMSIM, m); ClipZeroShot clip = ClipZeroShot.load(CLIP)) {
            OriginalityScorer scorer = new OriginalityScorer(sd, new RealImageJudge(sd, c, ds, clip, rc), c);
            Score s = scorer.score(photo(60, 44), OriginalityScorer.Progress.NONE);
            assertThat(s.perLength()).extracting(Verdict::tokens).containsExactly(1, 2);
            for (Verdict v : s.perLength()) {
                RealVerdict r = (RealVerdict) v;
                assertThat(r.distances()).hasSize(c.samples());
                double mean = java.util.Arrays.stream(r.distances()).average().orElseThrow();
                assertThat(r.meanDistance()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12));
                for (double d : r.distances()) assertThat(d).isBetween(0.0, 2.0);
                assertThat(r.ci95()[0]).isLessThanOrEqualTo(mean);
                assertThat(r.ci95()[1]).isGreaterThanOrEqualTo(mean);
                assertThat(r.edits()).hasSize(c.samples());
                int followed = 0;
                for (int j = 0; j < c.samples(); j++) {
                    assertThat(r.followed()[j]).isEqualTo(r.logits()[j][0] > r.logits()[j][1]);
                    if (r.followed()[j]) followed++;
                }
                assertThat(r.editabilityRate()).isEqualTo(followed / (double) c.samples());
                assertThat(r.passed()).isEqualTo(mean <= rc.distanceThreshold() && r.editabilityRate() >= rc.minEditability());
                // the edits are other pictures than the reconstructions (another prompt, same seeds)
                assertThat(r.edits().get(0).getRGB(5, 5) != s.images().get(v.tokens()).get(0).getRGB(5, 5)
                        || r.edits().get(0).getRGB(20, 20) != s.images().get(v.tokens()).get(0).getRGB(20, 20)).isTrue();
            }
            // a reconstruction identical to the query has distance 0
            assertThat(ds.distances(s.query(), java.util.List.of(s.query()))[0]).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-6));

            var src = new ScoreFiles.Source("photo.jpg", "00", SD.toString(), sd.sha256(), ScoreFiles.JSON.createObjectNode());
            ObjectNode json = ScoreFiles.write(dir, s, c, src);
            assertThat(json.path("judge").path("name").asText()).isEqualTo("dreamsim+clip");
            assertThat(json.path("judge").path("edit_text").asText()).isEqualTo("cat in house");
            assertThat(json.path("judge").path("plain_text").asText()).isEqualTo("a photo of house");
            assertThat(json.has("query_elements")).isFalse();
            for (JsonNode l : json.path("per_length")) {
                assertThat(l.path("dreamsim_mean").isNumber()).isTrue();
                assertThat(l.path("dreamsim_ci95")).hasSize(2);
                assertThat(l.path("editability_rate").asDouble()).isBetween(0.0, 1.0);
                assertThat(l.path("dreamsim")).hasSize(c.samples());
            }
            assertThat(dir.resolve("m2/edit-03.png")).exists();
            assertThat(dir.resolve("report.html")).content().contains("m2/edit-03.png").contains("DreamSim mean")
                    .contains("cat in house").contains(String.format(java.util.Locale.ROOT, "%.3f", ((RealVerdict) s.perLength().get(0)).distances()[0]));
        }
    }
}
