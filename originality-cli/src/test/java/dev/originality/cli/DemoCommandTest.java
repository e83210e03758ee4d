package dev.originality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, on the tiny fixture model: the bundled demo/ folder is found and every query scored. */
class DemoCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    @Test
    void scoresTheBundledQueriesAndWritesTheTableAndIndex() throws Exception {
        Path out = tmp.resolve("demo");
        var r = InvertCommandTest.run("demo", "--model", InvertCommandTest.TINY, "--preset", "tiny", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode list = JSON.readTree(Path.of("../demo/demo.json").toFile());
        assertThat(list.path("queries")).hasSize(3);
        for (JsonNode q : list.path("queries")) {
            String group = q.path("group").asText();
            JsonNode score = JSON.readTree(out.resolve("scores/" + group + "/score.json").toFile());
            // The console table holds one row per query: group, caption and this run's verdict.
            String row = r.out().lines().filter(l -> l.startsWith(group + " ") && l.contains(q.path("caption").asText())).findFirst().orElseThrow();
            assertThat(row).contains(" " + score.path("verdict").asText() + " (");
            assertThat(out.resolve(group + ".png")).exists();
        }
        String index = Files.readString(out.resolve("report.html"));
        assertThat(index).contains("href=\"scores/common/report.html\"", "href=\"scores/rare/report.html\"", "href=\"scores/unseen/report.html\"");
        // The study's verdicts are for the shipped model: a run on another model does not show them.
        assertThat(index).doesNotContain("study verdict");
        assertThat(r.out()).doesNotContain("study (thorough preset)");

        // A rerun keeps every finished score.
        var again = InvertCommandTest.run("demo", "--model", InvertCommandTest.TINY, "--preset", "tiny", "--out", out.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("common.png: already scored in", "kept");
    }

    @Test
    void aQueriesFolderWithoutItsListIsOneLine() throws Exception {
        var r = InvertCommandTest.run("demo", "--model", InvertCommandTest.TINY, "--preset", "tiny", "--queries", tmp.toString(),
                "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("demo.json");
        Files.writeString(tmp.resolve("demo.json"), "{\"queries\": [{\"group\": \"common\", \"file\": \"missing.png\"}]}");
        var m = InvertCommandTest.run("demo", "--model", InvertCommandTest.TINY, "--preset", "tiny", "--queries", tmp.toString(),
                "--out", tmp.resolve("o").toString());
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err()).contains("missing.png");
    }
}
