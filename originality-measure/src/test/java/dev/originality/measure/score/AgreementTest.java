package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgreementTest {
    @TempDir Path dir;

    /** A score.json as ScoreFiles writes it, reduced to the fields the comparison reads. */
    private void score(Path folder, String imageSha, String model, String verdict, String lo, String hi, int steps, int batch,
                       double seconds, double... rates) throws IOException {
        ObjectNode j = ScoreFiles.JSON.createObjectNode();
        j.put("image_sha256", imageSha);
        j.put("model_sha256", model);
        j.put("verdict", verdict);
        j.putArray("verdict_range_ci95").add(lo).add(hi);
        var per = j.putArray("per_length");
        for (int m = 0; m < rates.length; m++) per.addObject().put("tokens", m + 1).put("reconstruction_rate", rates[m]);
        ObjectNode c = j.putObject("config");
        c.putObject("inversion").put("steps", steps).put("batch", batch);
        c.put("samples", 10).put("steps", 25).put("scheduler", "ddim");
        j.putObject("seconds").put("total", seconds);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(ScoreFiles.SCORE), ScoreFiles.JSON.writeValueAsString(j));
    }

    @Test
    void pairsByImageHashAndCountsExactWithinOneAndInsideTheReferenceRange() throws IOException {
        Path ref = dir.resolve("ref"), cand = dir.resolve("cand");
        score(ref.resolve("common/00"), "a", "M", "1", "1", "1", 1000, 20, 380, 0.8, 1, 1);
        score(ref.resolve("common/01"), "b", "M", "1", "1", "2", 1000, 20, 390, 0.5, 0.9, 1);
        score(ref.resolve("unseen/00"), "c", "M", "3", "2", "+", 1000, 20, 400, 0, 0.4, 0.6);
        score(ref.resolve("unseen/01"), "d", "M", "2", "2", "2", 1000, 20, 410, 0, 1, 1);
        score(ref.resolve("unseen/02"), "only-ref", "M", "+", "+", "+", 1000, 20, 400, 0, 0, 0);
        // the candidate names its folders differently: pairing is by hash, not by path
        score(cand.resolve("x"), "a", "M", "1", "1", "1", 1000, 5, 120, 0.7, 1, 1);      // same
        score(cand.resolve("y"), "b", "M", "2", "2", "2", 1000, 5, 110, 0.3, 0.9, 1);    // differs, inside the range 1-2
        score(cand.resolve("z"), "c", "M", "+", "+", "+", 1000, 5, 130, 0, 0.2, 0.3);    // differs, inside 2-+
        score(cand.resolve("w"), "d", "M", "+", "+", "+", 1000, 5, 125, 0, 0.1, 0.2);    // two tokens off, outside
        score(cand.resolve("v"), "only-cand", "M", "1", "1", "1", 1000, 5, 125, 1, 1, 1);

        Agreement a = Agreement.of(ref, cand);
        assertThat(a.pairs()).extracting(Agreement.Pair::name).containsExactly("common/00", "common/01", "unseen/00", "unseen/01");
        assertThat(a.exact()).isEqualTo(1);
        assertThat(a.withinOne()).isEqualTo(3);
        assertThat(a.insideRange()).isEqualTo(3);
        assertThat(a.onlyReference()).containsExactly("unseen/02");
        assertThat(a.onlyCandidate()).containsExactly("v");
        assertThat(a.pairs().get(2).candidateRank()).isEqualTo(4);                   // "+" ranks above K = 3
        assertThat(a.reference().medianSeconds()).isEqualTo(400.0);
        assertThat(a.candidate().medianSeconds()).isEqualTo(125.0);
        String md = a.markdown();
        assertThat(md).contains("Inversion compute, reference over candidate: 4.0x")
                .contains("| unseen/01 | 2 | 2 | + | **no** |")
                .contains("| common/01 | 1 | 1-2 | 2 | in range |")
                .contains("Same verdict: 1/4 (25%). Within one token: 3/4. Inside the reference's 95% range: 3/4.")
                .contains("Same verdict by group: common 1/2, unseen 0/2.")
                .contains("1 only in the reference, 1 only in the candidate");
        assertThat(a.json().path("same_verdict").asInt()).isEqualTo(1);
    }

    @Test
    void scoresOfDifferentModelsOrOfNoCommonImageAreRefused() throws IOException {
        Path ref = dir.resolve("ref"), cand = dir.resolve("cand"), other = dir.resolve("other"), empty = dir.resolve("empty");
        score(ref.resolve("q"), "a", "M1", "1", "1", "1", 1000, 20, 1, 1);
        score(cand.resolve("q"), "a", "M2", "1", "1", "1", 1000, 5, 1, 1);
        score(other.resolve("q"), "b", "M1", "1", "1", "1", 1000, 5, 1, 1);
        Files.createDirectories(empty);
        assertThatThrownBy(() -> Agreement.of(ref, cand)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different models");
        assertThatThrownBy(() -> Agreement.of(ref, other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no image is scored in both");
        assertThatThrownBy(() -> Agreement.of(ref, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no score.json under");
        assertThatThrownBy(() -> Agreement.of(ref, dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a folder of scores, found nothing at");
        Files.writeString(empty.resolve("score.json"), "{not json");
        assertThatThrownBy(() -> Agreement.of(ref, empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a readable score");
    }
}
