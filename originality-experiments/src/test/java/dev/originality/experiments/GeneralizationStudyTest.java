package dev.originality.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.training.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneralizationStudyTest {
    static final List<String> MISSING = List.of("big red full square", "big blue full circle");

    /** Records which stages ran and which were kept; optionally dies at one step of one task, as a killed run would. */
    static final class Recorder implements GeneralizationStudy.Listener {
        final List<String> started = new ArrayList<>(), kept = new ArrayList<>();
        final String dieIn;
        final long dieAt;

        Recorder(String dieIn, long dieAt) {
            this.dieIn = dieIn;
            this.dieAt = dieAt;
        }

        @Override
        public GeneralizationStudy.Tracker start(String task, long total) {
            started.add(task);
            return new GeneralizationStudy.Tracker() {
                @Override
                public void stepTo(long done, String message) {
                    if (task.equals(dieIn) && done == dieAt) throw new IllegalStateException("killed at " + task + " " + done);
                }

                @Override
                public void close() { }
            };
        }

        @Override
        public void kept(String task) {
            kept.add(task);
        }
    }

    static ObjectNode prov() {
        return OriginalityStudy.JSON.createObjectNode().put("tool", "originality").put("version", "test").put("command", "originality study generalization");
    }

    @Test
    void twoLevelsWriteEveryArtefactAndResumeRetrainsNothing(@TempDir Path out) throws Exception {
        var s = new GeneralizationStudy.Settings(List.of(8, 4), List.of("big-full"), GeneralizationPreset.named("tiny"), 4, 5);
        Recorder first = new Recorder(null, -1), second = new Recorder(null, -1);
        try (ShapeDetector d = ShapeDetector.loadDefault()) {
            ObjectNode sum = GeneralizationStudy.run(s, d, prov(), out, false, first);
            assertThat(first.started).containsExactly("level-4 dataset", "level-4 vae", "level-4 unet", "level-4 evaluation",
                    "level-8 dataset", "level-8 vae", "level-8 unet", "level-8 evaluation");
            for (String f : List.of("summary.json", "report.html", "generalization.png", "generalization.svg", "timings.json",
                    "level-4/dataset/metadata.jsonl", "level-4/model/model_index.json", "level-4/README.md", "level-4/training.json", "level-8/evaluation.json",
                    "level-8/detections.jsonl", "level-8/samples/empty-03.png", "level-8/samples/prompted-03.png")) {
                assertThat(out.resolve(f)).as(f).exists();
            }
            assertThat(Files.readAllLines(out.resolve("level-4/dataset/metadata.jsonl"))).hasSize(48);
            JsonNode results = sum.path("results");
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("level").asInt()).isEqualTo(4);
            assertThat(results.get(0).path("trained_elements").asInt()).as("span-4 minus the held-out pair").isEqualTo(2);
            assertThat(results.get(1).path("trained_elements").asInt()).isEqualTo(6);
            for (JsonNode r : results) {
                JsonNode v = r.path("variants").get(0);
                assertThat(v.path("missing")).extracting(JsonNode::asText).containsExactlyElementsOf(MISSING);
                assertThat(v.path("model_sha256").asText()).hasSize(64);
                for (String set : GeneralizationSummary.SETS) {
                    JsonNode n = r.path(set);
                    assertThat(n.path("frequency").asDouble()).as(set).isBetween(0.0, 1.0);
                    assertThat(n.path("image_rate").asDouble()).as(set).isBetween(0.0, 1.0);
                    assertThat(n.path("ci95").get(0).asDouble()).isBetween(0.0, n.path("ci95").get(1).asDouble());
                    assertThat(n.path("ci95").get(1).asDouble()).isLessThanOrEqualTo(1.0);
                    assertThat(v.path(set).path("images").asInt()).isEqualTo(4);
                    long elements = v.path(set).path("elements").asLong(), missing = v.path(set).path("missing").asLong();
                    assertThat(n.path("frequency").asDouble()).isEqualTo(elements == 0 ? 0 : missing / (double) elements);
                }
                assertThat(v.path("prompted").path("per_element").fieldNames()).toIterable().containsExactlyElementsOf(MISSING);
                assertCountsMatchDetections(out.resolve(v.path("dir").asText()), v);
            }
            assertThat(sum.path("checks").has("prompted_above_empty_at_every_level")).isTrue();
            assertThat(sum.path("timings_seconds").path("level-8/unet").asDouble()).isPositive();
            String html = Files.readString(out.resolve("report.html"));
            assertThat(html).contains("level-4/samples/empty-00.png", "generalization.png", "originality study generalization",
                    v(results, 1).path("model_sha256").asText()).doesNotContain("http://", "https://");

            FileTime weights = Files.getLastModifiedTime(out.resolve("level-4/model/unet/diffusion_pytorch_model.safetensors"));
            FileTime eval = Files.getLastModifiedTime(out.resolve("level-8/evaluation.json"));
            ObjectNode again = GeneralizationStudy.run(s, d, prov(), out, true, second);
            assertThat(second.started).as("resumed: nothing made again").isEmpty();
            assertThat(second.kept).hasSize(8);
            assertThat(Files.getLastModifiedTime(out.resolve("level-4/model/unet/diffusion_pytorch_model.safetensors"))).isEqualTo(weights);
            assertThat(Files.getLastModifiedTime(out.resolve("level-8/evaluation.json"))).isEqualTo(eval);
            assertThat(again.path("results")).isEqualTo(results);

            assertThatThrownBy(() -> GeneralizationStudy.run(s, d, prov(), out, false, second))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
            var moreVae = new GeneralizationStudy.Settings(s.levels(), s.variants(), s.preset().with(null, null, 60, null, null), 4, 5);
            assertThatThrownBy(() -> GeneralizationStudy.run(moreVae, d, prov(), out, true, second))
                    .as("a VAE that UNets already trained on is not changed under them").hasMessageContaining("was trained on its latents");
            assertThat(Checkpoint.state(out.resolve("level-4/model"), "vae").path("step").asInt()).isEqualTo(40);
        }
    }

    /** A kill in the middle of UNet training, then --resume: the same summary as a run never stopped (shared-VAE path). */
    @Test
    void killedRunResumesToTheSameSummary(@TempDir Path tmp) throws Exception {
        GeneralizationPreset p = GeneralizationPreset.named("tiny").with(null, null, null, null, true);
        var s = new GeneralizationStudy.Settings(List.of(4), List.of("big-full"), p, 4, 9);
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        try (ShapeDetector d = ShapeDetector.loadDefault()) {
            ObjectNode ref = GeneralizationStudy.run(s, d, prov(), whole, false, new Recorder(null, -1));
            assertThat(whole.resolve("shared-vae/model/vae/config.json")).exists();
            assertThat(whole.resolve("level-4/model/checkpoint-vae")).as("the level trains no VAE of its own").doesNotExist();

            int every = p.train().checkpointEvery(), dieAt = every + every / 2;
            assertThatThrownBy(() -> GeneralizationStudy.run(s, d, prov(), killed, false, new Recorder("level-4 unet", dieAt)))
                    .hasMessageContaining("killed");
            assertThat(Checkpoint.state(killed.resolve("level-4/model"), "unet").path("step").asInt()).isEqualTo(every);
            assertThat(killed.resolve("level-4/evaluation.json")).doesNotExist();

            Recorder resumed = new Recorder(null, -1);
            ObjectNode sum = GeneralizationStudy.run(s, d, prov(), killed, true, resumed);
            assertThat(resumed.kept).containsExactly("shared-vae dataset", "shared-vae vae", "level-4 dataset");
            assertThat(resumed.started).containsExactly("level-4 unet", "level-4 evaluation");
            assertThat(sum.path("results")).isEqualTo(ref.path("results"));
            assertThat(sum.path("checks")).isEqualTo(ref.path("checks"));
        }
    }

    private static JsonNode v(JsonNode results, int i) {
        return results.get(i).path("variants").get(0);
    }

    /** The stored counts are the detections listed image by image in detections.jsonl. */
    private static void assertCountsMatchDetections(Path dir, JsonNode v) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("detections.jsonl"));
        assertThat(lines).hasSize(8);
        long emptyMissing = 0, promptedMissing = 0, emptyAll = 0;
        for (String line : lines) {
            JsonNode n = OriginalityStudy.JSON.readTree(line);
            for (JsonNode e : n.path("elements")) {
                if (n.path("set").asText().equals("empty")) {
                    emptyAll++;
                    if (MISSING.contains(e.asText())) emptyMissing++;
                } else if (e.asText().equals(n.path("prompt").asText())) {
                    promptedMissing++;
                }
            }
            if (n.path("set").asText().equals("prompted")) {
                assertThat(n.path("prompt").asText()).isEqualTo(MISSING.get(n.path("index").asInt() % 2));
            }
        }
        assertThat(v.path("empty").path("missing").asLong()).isEqualTo(emptyMissing);
        assertThat(v.path("empty").path("elements").asLong()).isEqualTo(emptyAll);
        assertThat(v.path("prompted").path("missing").asLong()).isEqualTo(promptedMissing);
    }

    @Test
    void tallyFrequencyRateAndInterval() {
        var t = new MissingTally(new int[] {1, 0, 2, 0}, new int[] {2, 1, 3, 0});
        assertThat(t.frequency()).isEqualTo(3 / 6.0);
        assertThat(t.imageRate()).isEqualTo(0.5);
        double[] ci = MissingTally.ci95(List.of(t), 1);
        assertThat(ci[0]).isBetween(0.0, 0.5);
        assertThat(ci[1]).isBetween(0.5, 1.0);
        assertThat(MissingTally.ci95(List.of(t), 1)).containsExactly(ci);
        assertThat(new MissingTally(new int[] {0}, new int[] {0}).frequency()).as("nothing detected").isZero();
        assertThatThrownBy(() -> new MissingTally(new int[] {2}, new int[] {1})).hasMessageContaining("2 missing elements among 1");
    }

    @Test
    void settingsRejectBadInputNamingIt() {
        var tiny = GeneralizationPreset.named("tiny");
        assertThatThrownBy(() -> new GeneralizationStudy.Settings(List.of(4, 5), List.of("big-full"), tiny, 4, 1))
                .hasMessage("unknown level 5: expected some of [4, 8, 15, 30, 60]");
        assertThatThrownBy(() -> new GeneralizationStudy.Settings(List.of(4), List.of("huge-full"), tiny, 4, 1)).hasMessageContaining("unknown variant 'huge-full'");
        assertThatThrownBy(() -> new GeneralizationStudy.Settings(List.of(4, 4), List.of("big-full"), tiny, 4, 1)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new GeneralizationStudy.Settings(List.of(4), List.of("big-full"), tiny, 0, 1)).hasMessage("--images must be at least 1, found 0");
        assertThatThrownBy(() -> GeneralizationPreset.named("gpu")).hasMessageContaining("unknown preset 'gpu'");
        var cpu = GeneralizationPreset.named("cpu").with(null, null, null, 1200, null);
        assertThat(cpu.train().unetSteps()).isEqualTo(1200);
        assertThat(cpu.train().vaeSteps()).isEqualTo(GeneralizationPreset.named("cpu").train().vaeSteps());
        assertThat(cpu.sharedVae()).isTrue();
    }
}
