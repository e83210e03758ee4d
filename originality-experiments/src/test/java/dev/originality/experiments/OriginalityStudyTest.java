package dev.originality.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.ScoreConfig;
import dev.originality.measure.score.ScoreRun;
import dev.originality.shapes.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginalityStudyTest {
    static final Path TINY = Path.of("../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline");

    @Test
    void spearmanRanksWithTies() {
        assertThat(Spearman.rho(new double[] {0, 0, 1, 1, 2, 2}, new double[] {1, 1, 2, 3, 6, 6})).isGreaterThan(0.9);
        assertThat(Spearman.rho(new double[] {0, 1, 2}, new double[] {3, 2, 1})).isEqualTo(-1.0);
        assertThat(Spearman.rho(new double[] {0, 1, 2}, new double[] {6, 6, 6})).isNaN();
        assertThat(Spearman.ranks(new double[] {5, 1, 5, 3})).containsExactly(3.5, 1, 3.5, 2);
    }

    @Test
    void summaryCountsVerdictsAndMedians() {
        var s = new OriginalityStudy.Settings(Presets.get("originality"), List.of("common", "unseen"), 3, 1, 64);
        List<OriginalityStudy.Row> rows = List.of(row("common", 0, "1", 1), row("common", 1, "1", 1), row("common", 2, "2", 2),
                row("unseen", 0, "+", 6), row("unseen", 1, "4", 4), row("unseen", 2, "+", 6));
        JsonNode j = OriginalityStudy.summary(s, rows, 5, List.of());
        assertThat(j.path("groups").path("common").path("median").asText()).isEqualTo("1");
        assertThat(j.path("groups").path("unseen").path("median").asText()).isEqualTo("+");
        assertThat(j.path("groups").path("unseen").path("verdicts").path("+").asInt()).isEqualTo(2);
        assertThat(j.path("groups").path("common").path("mean").asDouble()).isEqualTo(4 / 3.0);
        assertThat(j.path("spearman_group_vs_min_tokens").asDouble()).isGreaterThan(0.8);
        assertThatThrownBy(() -> new OriginalityStudy.Settings(Presets.get("originality"), List.of("often"), 3, 1, 64))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static OriginalityStudy.Row row(String group, int index, String verdict, int rank) {
        return new OriginalityStudy.Row(group, index, group.substring(0, 1), verdict, rank, List.of(), List.of(), null);
    }

    @Test
    void runWritesEveryArtefactAndResumes(@TempDir Path out) throws Exception {
        var s = new OriginalityStudy.Settings(Presets.get("originality"), List.of("common", "unseen"), 1, 3, 64);
        List<Path> scored = new ArrayList<>();
        ScoreRun.Listener l = new ScoreRun.Listener() {
            @Override
            public void onScored(Path image, Path dir, JsonNode score, boolean kept) {
                if (!kept) scored.add(image);
            }

            @Override
            public void onError(Path image, String message) {
                throw new AssertionError(message);
            }
        };
        try (StableDiffusion sd = StableDiffusion.load(TINY); ShapeDetector d = ShapeDetector.loadDefault()) {
            var scorer = new OriginalityScorer(sd, d, ScoreConfig.tiny().withSeed(3));
            var prov = OriginalityStudy.JSON.createObjectNode().put("command", "test");
            JsonNode sum = OriginalityStudy.run(s, scorer, "tiny", sd.sha256(), prov, out, false, f -> OriginalityScorer.Progress.NONE, l);
            assertThat(scored).hasSize(2);
            assertThat(Files.readAllLines(out.resolve("results.jsonl"))).hasSize(2);
            for (String f : List.of("summary.json", "report.html", "originality.png", "originality.svg", "queries/common/00.png",
                    "scores/unseen/00/score.json")) {
                assertThat(out.resolve(f)).as(f).exists();
            }
            assertThat(sum.path("groups").path("common").path("queries").asInt()).isEqualTo(1);
            assertThat(Files.readString(out.resolve("report.html"))).contains("scores/common/00/report.html");
            String md = Files.readString(out.resolve("summary.md"));
            JsonNode row = sum.path("groups").path("unseen");
            assertThat(md).contains("| unseen | " + row.path("pair").asText() + " | ").contains("| common/00 | ").contains("| unseen/00 | ");
            assertThat(Files.readAllLines(out.resolve("results.jsonl")).get(0)).contains("\"range\":[").contains("\"seconds\":");
            OriginalityStudy.run(s, scorer, "tiny", sd.sha256(), prov, out, true, f -> OriginalityScorer.Progress.NONE, l);
            assertThat(scored).as("resumed: nothing scored again").hasSize(2);
        }
    }
}
