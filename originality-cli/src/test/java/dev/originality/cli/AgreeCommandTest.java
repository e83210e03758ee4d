package dev.originality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `agree` on the committed Fig. 6 study: its scores against themselves agree everywhere; bad folders are one line. */
class AgreeCommandTest {
    static final String COMMON = "../studies/fig6-step14000/scores/common";
    @TempDir Path tmp;

    @Test
    void theStudyAgainstItselfAgreesOnEveryQueryAndWritesBothFiles() throws Exception {
        var r = InvertCommandTest.run("agree", COMMON, COMMON, "--out", tmp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Same verdict: 10/10 (100%). Within one token: 10/10. Inside the reference's 95% range: 10/10.")
                .contains("| 03 | 3 | 3 | 3 | yes | 0.00 0.00 1.00 1.00 1.00 |")
                .contains("inversion 1000 x 20 at lr 0.005, 20 samples x 25 ddim steps");
        assertThat(Files.readString(tmp.resolve("agreement.md"))).startsWith("# Agreement");
        assertThat(Files.readString(tmp.resolve("agreement.json"))).contains("\"same_verdict\" : 10", "\"command\" : \"originality agree ");
    }

    @Test
    void aFolderWithoutScoresIsOneLine() throws Exception {
        var r = InvertCommandTest.run("agree", COMMON, tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("no score.json under");
    }
}
