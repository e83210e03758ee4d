package dev.originality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectScoreCommandsTest {
    static final String TINY = InvertCommandTest.TINY;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static InvertCommandTest.Result run(String... args) {
        return InvertCommandTest.run(args);
    }

    Path render(String name, long seed) throws Exception {
        return render(tmp, name, seed);
    }

    /** A 64x64 common-pair query of the originality world, written as DIR/NAME. */
    static Path render(Path dir, String name, long seed) throws java.io.IOException {
        var spec = Presets.get("originality");
        Scene s = new SceneSampler(spec, 64).queryScene(spec.pair("common"), seed, 0);
        Path f = dir.resolve(name);
        ImageIO.write(Renderer.render(s, 64), "png", f.toFile());
        return f;
    }

    @Test
    void detectPrintsLinesAndJson() throws Exception {
        Path img = render("q.png", 3);
        var spec = Presets.get("originality");
        Scene s = new SceneSampler(spec, 64).queryScene(spec.pair("common"), 3, 0);
        var r = run("detect", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (var e : s.elementList()) assertThat(r.out()).contains(img + ": " + e.phrase());
        var j = run("detect", "--json", tmp.toString());
        assertThat(j.code()).as(j.err()).isZero();
        JsonNode o = JSON.readTree(j.out().lines().findFirst().orElseThrow());
        assertThat(o.path("file").asText()).isEqualTo(img.toString());
        assertThat(o.path("elements")).hasSize(s.elements().size());
        JsonNode e = o.path("elements").get(0);
        assertThat(e.path("bbox")).hasSize(4);
        assertThat(e.path("confidence").asDouble()).isBetween(0.9, 1.0);
        assertThat(e.path("shape").asText()).isIn("circle", "square");
    }

    @Test
    void aQueriesFolderStandsForItsImages() throws Exception {
        Path q = tmp.resolve("q");
        var w = run("queries", "--group", "common", "--count", "2", "--seed", "5", "--out", q.toString());
        assertThat(w.code()).as(w.err()).isZero();
        var r = run("detect", "--json", q.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().map(l -> l.contains(q.resolve("images").toString()))).containsExactly(true, true);
        Path empty = Files.createDirectories(tmp.resolve("empty/images"));
        var e = run("detect", empty.getParent().toString());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err()).contains("found none");
    }

    @Test
    void detectRefusesBadInputInOneLine() throws Exception {
        Path txt = tmp.resolve("notes.png");
        Files.writeString(txt, "not an image");
        var r = run("detect", txt.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("notes.png").contains("not an image");
        assertThat(run("detect", "--threshold", "1.5", txt.toString()).code()).isEqualTo(2);
        assertThat(run("detect", tmp.resolve("missing.png").toString()).err()).contains("missing.png");
    }

    @Test
    void scoreWritesPerImageFilesAndASummaryAndReportsBadImages() throws Exception {
        Path a = render("a.png", 1), bad = tmp.resolve("b.png");
        Files.writeString(bad, "garbage");
        Path out = tmp.resolve("scores");
        var r = run("score", a.toString(), bad.toString(), "--model", TINY, "--preset", "tiny", "--seed", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("b.png");
        JsonNode s = JSON.readTree(out.resolve("a/score.json").toFile());
        assertThat(s.path("verdict").asText()).isIn("1", "2", "+");
        assertThat(s.path("per_length")).hasSize(2);
        assertThat(s.path("image_sha256").asText()).hasSize(64);
        assertThat(s.path("model_sha256").asText()).hasSize(64);
        assertThat(s.path("per_length").get(0).path("rate_ci95")).hasSize(2);
        assertThat(s.path("seeds").path("samples")).hasSize(4);
        assertThat(out.resolve("a/report.html")).exists();
        JsonNode sum = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(sum.path("images")).hasSize(1);
        assertThat(sum.path("errors")).hasSize(1);
        assertThat(sum.path("errors").get(0).path("image").asText()).endsWith("b.png");

        // Resume keeps the finished image, byte for byte.
        byte[] before = Files.readAllBytes(out.resolve("a/score.json"));
        var again = run("score", a.toString(), "--model", TINY, "--preset", "tiny", "--seed", "2", "--resume", "--out", out.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("kept");
        assertThat(Files.readAllBytes(out.resolve("a/score.json"))).isEqualTo(before);
    }

    /** --restarts: score.json and the report say which chain each length kept, and a too-small batch is one line. */
    @Test
    void scoreWithRestartsRecordsEveryChainAndTheOneKept() throws Exception {
        Path a = render("a.png", 1), out = tmp.resolve("restarts");
        var r = run("score", a.toString(), "--model", TINY, "--preset", "tiny", "--restarts", "1", "--seed", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode s = JSON.readTree(out.resolve("a/score.json").toFile());
        assertThat(s.path("config").path("inversion").path("restarts").asInt()).isEqualTo(1);
        for (JsonNode length : s.path("per_length")) {
            JsonNode eval = length.path("restarts").path("eval_loss");
            assertThat(eval).hasSize(2);
            int kept = length.path("restarts").path("kept").asInt();
            assertThat(eval.get(kept).asDouble()).isLessThanOrEqualTo(eval.get(1 - kept).asDouble());
        }
        assertThat(Files.readString(out.resolve("a/report.html"))).contains("chain ", " of 2 kept; losses ");
        var tooSmall = run("score", a.toString(), "--model", TINY, "--preset", "tiny", "--batch", "3", "--restarts", "1", "--out", out.toString());
        assertThat(tooSmall.code()).isEqualTo(2);
        assertThat(tooSmall.err().strip().lines()).hasSize(1);
        assertThat(tooSmall.err()).contains("expected >= 4 (K x (restarts + 1)), found 3");
    }

    @Test
    void scoreRefusesBadSettings() {
        assertThat(run("score", "x.png", "--threshold", "0", "--out", tmp.toString()).code()).isEqualTo(2);
        assertThat(run("score", "x.png", "--max-tokens", "0", "--out", tmp.toString()).code()).isEqualTo(2);
        var r = run("score", "x.png", "--model", tmp.resolve("nope").toString(), "--out", tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void studyRefusesBadSettingsBeforeLoadingAModel() {
        var r = run("study", "originality", "--samples", "0", "--seed", "1", "--model", tmp.resolve("nope").toString(),
                "--out", tmp.resolve("study").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("originality originality: samples must be at least 1, found 0");
    }
}
