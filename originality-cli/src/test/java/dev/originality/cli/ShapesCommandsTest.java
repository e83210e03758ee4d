package dev.originality.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShapesCommandsTest {
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void datasetWritesAnImagefolder() throws Exception {
        Path out = tmp.resolve("ds");
        Result r = run("dataset", "--preset", "originality", "--count", "50", "--seed", "3", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 50 images");
        assertThat(Files.readAllLines(out.resolve("metadata.jsonl"))).hasSize(50);
        var info = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(info.path("command").asText()).isEqualTo("originality dataset --preset originality --count 50 --seed 3 --out " + out);
        assertThat(info.path("spec").path("name").asText()).isEqualTo("originality");
    }

    @Test
    void queriesWriteTheirGroup() throws Exception {
        Path out = tmp.resolve("q");
        Result r = run("queries", "--group", "unseen", "--count", "5", "--seed", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("metadata.jsonl"));
        assertThat(lines).hasSize(5).allSatisfy(l -> assertThat(l).contains("\"group\":\"unseen\""));
        Result pair = run("queries", "--pair", "hexagon,star", "--count", "2", "--seed", "1", "--out", tmp.resolve("p").toString());
        assertThat(pair.code()).as(pair.err()).isZero();
        assertThat(pair.out()).contains("'hexagon+star'");
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws Exception {
        Path out = tmp.resolve("never");
        String o = out.toString();
        List<String[]> bad = List.of(
                new String[] {"dataset", "--preset", "span-60", "--holdout", "big purple full circle", "--count", "5", "--seed", "1", "--out", o},
                new String[] {"dataset", "--preset", "span-60", "--count", "0", "--seed", "1", "--out", o},
                new String[] {"dataset", "--preset", "span-99", "--count", "5", "--seed", "1", "--out", o},
                new String[] {"dataset", "--preset", "span-4", "--holdout", "big blue full square,big red full circle,big red full square,big blue full circle",
                        "--count", "5", "--seed", "1", "--out", o},
                new String[] {"dataset", "--preset", "span-4", "--variant", "huge-full", "--count", "5", "--seed", "1", "--out", o},
                new String[] {"dataset", "--count", "5", "--seed", "1", "--out", o},
                new String[] {"dataset", "--preset", "span-4", "--count", "5", "--out", o},
                new String[] {"dataset", "--spec", tmp.resolve("missing.json").toString(), "--count", "5", "--seed", "1", "--out", o},
                new String[] {"queries", "--group", "weird", "--count", "5", "--seed", "1", "--out", o},
                new String[] {"queries", "--pair", "circle,blob", "--count", "5", "--seed", "1", "--out", o});
        for (String[] args : bad) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(Files.exists(out)).isFalse();
        }
        assertThat(run(bad.get(0)).err()).contains("expected one of red, green, blue");
        assertThat(run(bad.get(3)).err()).contains("holds out all 4");
    }

    @Test
    void existingFolderNeedsOverwrite() throws Exception {
        Path out = tmp.resolve("ds");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Result r = run("dataset", "--preset", "span-4", "--count", "5", "--seed", "1", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--overwrite");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
        assertThat(run("dataset", "--preset", "span-4", "--count", "5", "--seed", "1", "--out", out.toString(), "--overwrite").code()).isZero();
        assertThat(Files.exists(out.resolve("keep.txt"))).isFalse();
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : List.of("dataset", "queries")) {
            Result r = run(sub, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: originality " + sub);
        }
    }
}
