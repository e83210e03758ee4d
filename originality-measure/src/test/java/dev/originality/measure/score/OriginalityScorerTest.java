package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.ElementSets;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.PlacedElement;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginalityScorerTest {
    /** Random-weight SD of diffusers' test suite (32x32): real architecture, meaningless pictures. */
    static final Path TINY = Path.of("../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline");
    static final DatasetSpec WORLD = Presets.get("originality");
    static ShapeDetector detector;

    @BeforeAll
    static void load() throws Exception {
        detector = ShapeDetector.loadDefault();
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    static Scene query(int i) {
        return new SceneSampler(WORLD, 64).queryScene(WORLD.pair("common"), 9, i);
    }

    /** The query's elements at the places of another draw's elements. */
    static BufferedImage moved(Scene q, int i) {
        Scene other = query(100 + i);
        List<PlacedElement> els = new ArrayList<>();
        for (int k = 0; k < q.elements().size(); k++) {
            PlacedElement e = q.elements().get(k), o = other.elements().get(k);
            double r = e.radius();
            els.add(new PlacedElement(e.element(), o.cx(), o.cy(), r,
                    new int[] {(int) Math.floor(o.cx() - r), (int) Math.floor(o.cy() - r), (int) Math.ceil(o.cx() + r), (int) Math.ceil(o.cy() + r)}));
        }
        return Renderer.render(new Scene(els, q.group()), 64);
    }

    @Test
    void judgeCountsExactMultisetsAtVariedPlaces() {
        Scene q = query(0);
        BufferedImage img = Renderer.render(q, 64);
        var found = detector.detect(img);
        assertThat(ElementSets.elements(found)).containsExactlyInAnyOrderElementsOf(q.elementList());
        List<BufferedImage> samples = new ArrayList<>();
        for (int i = 0; i < 4; i++) samples.add(moved(q, i));
        samples.add(Renderer.render(query(50), 64));                       // other colours: not a reconstruction
        samples.add(dev.originality.measure.detect.DetectorEvaluation.white(64));   // nothing at all
        LengthResult r = new DetectorJudge(detector, ScoreConfig.tiny()).judge(1, samples, ElementSets.elements(found), Layouts.of(found, 64), 0.1);
        assertThat(r.reconstructed()).isEqualTo(4);
        assertThat(r.rate()).isCloseTo(4 / 6.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.check().inDistribution()).isTrue();
        assertThat(r.passed()).isTrue();
        assertThat(r.ci95()[0]).isLessThan(r.rate());
        assertThat(r.ci95()[1]).isGreaterThan(r.rate());
    }

    @Test
    void copiesOfTheQueryReconstructButAreNotInDistribution() {
        Scene q = query(1);
        BufferedImage img = Renderer.render(q, 64);
        var found = detector.detect(img);
        LengthResult r = new DetectorJudge(detector, ScoreConfig.tiny()).judge(1, List.of(img, img, img, img), ElementSets.elements(found), Layouts.of(found, 64), 0.1);
        assertThat(r.rate()).isEqualTo(1.0);
        assertThat(r.check().copyShare()).isEqualTo(1.0);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void endToEndIsReproducibleAndConsistent(@TempDir Path dir) throws Exception {
        BufferedImage img = Renderer.render(query(2), 64);
        ScoreConfig c = ScoreConfig.tiny().withSeed(4);
        try (StableDiffusion sd = StableDiffusion.load(TINY)) {
            OriginalityScorer scorer = new OriginalityScorer(sd, detector, c);
            Score a = scorer.score(img, OriginalityScorer.Progress.NONE);
            Score b = scorer.score(img, OriginalityScorer.Progress.NONE);
            assertThat(a.perLength()).extracting(Verdict::tokens).containsExactly(1, 2);
            assertThat(a.images().get(2)).hasSize(c.samples());
            assertThat(a.query().getWidth()).isEqualTo(sd.imageSize());
            assertThat(a.embeddings().get(2)).hasSize(2 * a.embeddingWidth());
            Integer firstPassed = a.perLength().stream().filter(Verdict::passed).map(Verdict::tokens).findFirst().orElse(null);
            assertThat(a.minTokens()).isEqualTo(firstPassed);
            for (Verdict v : a.perLength()) {
                LengthResult r = (LengthResult) v;
                assertThat(r.passed()).isEqualTo(r.rate() >= c.threshold() && r.check().inDistribution());
            }
            var src = new ScoreFiles.Source("q.png", "00", TINY.toString(), sd.sha256(), ScoreFiles.JSON.createObjectNode());
            ObjectNode ja = ScoreFiles.json(a, c, src), jb = ScoreFiles.json(b, c, src);
            ja.remove("seconds");
            jb.remove("seconds");
            assertThat(ja).isEqualTo(jb);
            for (int m : a.embeddings().keySet()) assertThat(b.embeddings().get(m)).containsExactly(a.embeddings().get(m));

            ObjectNode written = ScoreFiles.write(dir, a, c, src);
            assertThat(dir.resolve("score.json")).exists();
            assertThat(dir.resolve("report.html")).content().contains("Verdict: <b>" + a.verdict() + "</b>").contains("m2/03.png");
            assertThat(dir.resolve("m1/00.png")).exists();
            assertThat(written.path("per_length").get(1).path("rate_ci95")).hasSize(2);
            try (var nd = ai.djl.ndarray.NDManager.newBaseManager()) {
                var emb = dev.originality.inversion.LearnedEmbeddings.load(dir.resolve("embeddings/m2.safetensors"), nd, a.embeddingWidth());
                assertThat(emb.count()).isEqualTo(2);
                assertThat(emb.vectors().toFloatArray()).containsExactly(a.embeddings().get(2));
            }

            Score seq = new OriginalityScorer(sd, detector, c.withSequential(true)).score(img, OriginalityScorer.Progress.NONE);
            List<Verdict> rs = seq.perLength();
            assertThat(rs).isNotEmpty();
            for (int i = 0; i < rs.size() - 1; i++) assertThat(rs.get(i).passed()).isFalse();
            assertThat(rs.size() == c.maxTokens() || rs.get(rs.size() - 1).passed()).isTrue();
        }
    }

    /** Resume keeps a score whose settings differ only in maxBatch (how many reconstructions are denoised at once). */
    @Test
    void resumeKeepsAScoreDrawnWithAnotherMaxBatchOnly(@TempDir Path dir) throws Exception {
        try (StableDiffusion sd = StableDiffusion.load(TINY)) {
            ScoreConfig c = ScoreConfig.tiny();
            OriginalityScorer scorer = new OriginalityScorer(sd, detector, c);
            ScoreRun run = new ScoreRun(scorer, TINY.toString(), sd.sha256(), ScoreFiles.JSON.createObjectNode());
            var src = new ScoreFiles.Source("q.png", "ab12", TINY.toString(), sd.sha256(), ScoreFiles.JSON.createObjectNode());
            ObjectNode judge = ScoreFiles.JSON.createObjectNode();
            var d = scorer.judge().describe();
            judge.put("name", d.name()).setAll(d.settings());
            for (int[] variant : new int[][] {{c.maxBatch(), c.samples()}, {3, c.samples()}, {c.maxBatch(), c.samples() + 1}}) {
                ScoreConfig v = new ScoreConfig(c.inversion(), variant[1], c.threshold(), c.steps(), c.guidance(), c.scheduler(), c.seed(),
                        c.sequential(), c.detectorThreshold(), c.minVariation(), c.copyDistance(), c.maxCopyShare(), variant[0]);
                ObjectNode json = ScoreFiles.JSON.createObjectNode().put("image_sha256", "ab12").put("model_sha256", sd.sha256());
                json.set("config", ScoreFiles.JSON.readTree(ScoreFiles.JSON.writeValueAsString(v)));
                json.set("judge", ScoreFiles.JSON.readTree(judge.toString()));
                java.nio.file.Files.writeString(dir.resolve(ScoreFiles.SCORE), json.toString());
                boolean kept = run.finished(dir, src) != null;
                assertThat(kept).as("maxBatch %d, samples %d", variant[0], variant[1]).isEqualTo(variant[1] == c.samples());
            }
        }
    }
}
