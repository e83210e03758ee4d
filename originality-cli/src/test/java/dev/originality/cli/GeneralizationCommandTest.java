package dev.originality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneralizationCommandTest {
    @TempDir Path tmp;

    static InvertCommandTest.Result run(String... args) {
        return InvertCommandTest.run(args);
    }

    private void assertUsageError(InvertCommandTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").contains(message);
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void badInputIsOneLineAndWritesNothing() {
        Path out = tmp.resolve("study");
        assertUsageError(run("study", "generalization", "--levels", "4,5", "--preset", "tiny", "--seed", "1", "--out", out.toString()),
                "unknown level 5: expected some of [4, 8, 15, 30, 60]");
        assertUsageError(run("study", "generalization", "--images", "0", "--preset", "tiny", "--seed", "1", "--out", out.toString()),
                "--images must be at least 1, found 0");
        assertUsageError(run("study", "generalization", "--variants", "big-round", "--preset", "tiny", "--seed", "1", "--out", out.toString()),
                "unknown variant 'big-round'");
        assertUsageError(run("study", "generalization", "--levels", "four", "--seed", "1", "--out", out.toString()), "--levels");
        assertUsageError(run("study", "generalization", "--preset", "huge", "--seed", "1", "--out", out.toString()), "unknown preset 'huge'");
        assertThat(out).doesNotExist();
    }

    @Test
    void tinyLevelRunsPrintsItsTableAndResumes() throws Exception {
        Path out = tmp.resolve("study");
        var r = run("study", "generalization", "--levels", "4", "--preset", "tiny", "--images", "2", "--seed", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("level  empty prompt", "report: " + out.resolve("report.html"));
        assertThat(r.out().lines().filter(l -> l.startsWith("    4  "))).hasSize(1);
        JsonNode sum = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(sum.path("provenance").path("command").asText()).startsWith("originality study generalization --levels 4");
        assertThat(sum.path("images_per_set").asInt()).isEqualTo(2);
        assertThat(sum.path("results").get(0).path("prompted").path("frequency").asDouble()).isBetween(0.0, 1.0);
        assertThat(Files.readString(out.resolve("report.html"))).contains("level-4/samples/prompted-01.png");

        var again = run("study", "generalization", "--levels", "4", "--preset", "tiny", "--images", "2", "--seed", "2", "--out", out.toString());
        assertUsageError(again, "--resume");
        var resumed = run("study", "generalization", "--levels", "4", "--preset", "tiny", "--images", "2", "--seed", "2", "--out", out.toString(), "--resume");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("level-4 unet: finished earlier, kept", "level-4 evaluation: finished earlier, kept");
    }
}
