package dev.originality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.io.Hashing;
import dev.originality.diffusion.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at a random moment, then the same command with {@code --resume}: the outputs equal those of a run
 * never stopped, and what the kill left behind holds no torn file under a name a reader would open (issue #7).
 *
 * <p>Each run is a child JVM killed with SIGKILL. Rounds per command: {@code -Dkill.rounds} (1 in the build; the
 * documented long run uses 20); kill points drawn from {@code -Dkill.seed} so that a failure can be replayed.
 */
class KillResumeTest {
    static final int ROUNDS = Integer.getInteger("kill.rounds", 1);
    static final long SEED = Long.getLong("kill.seed", 7);
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    @Test
    void trainResumesToTheSameModel() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(ShapesCommandsTest.run("dataset", "--preset", "span-4", "--size", "32", "--count", "24", "--seed", "1",
                "--out", data.toString()).code()).isZero();
        List<String> args = List.of("train", "--data", data.toString(), "--preset", "tiny", "--seed", "3");
        check("train", args, dir -> modelFingerprint(dir));
    }

    @Test
    void scoreResumesToTheSameScores() throws Exception {
        List<String> args = new ArrayList<>(List.of("score"));
        for (int i = 0; i < 3; i++) args.add(DetectScoreCommandsTest.render(tmp, "q" + i + ".png", i).toString());
        args.addAll(List.of("--model", InvertCommandTest.TINY, "--preset", "tiny", "--seed", "2"));
        check("score", args, dir -> scoreFingerprint(dir));
    }

    @Test
    void studyResumesToTheSameSummary() throws Exception {
        List<String> args = List.of("study", "generalization", "--levels", "4", "--preset", "tiny", "--images", "2", "--seed", "2");
        check("study", args, dir -> withoutVolatile(JSON.readTree(dir.resolve("summary.json").toFile())).toString());
    }

    @Test
    void originalityStudyResumesToTheSameSummary() throws Exception {
        List<String> args = List.of("study", "originality", "--model", InvertCommandTest.TINY, "--pairs", "common,unseen", "--per-group", "2",
                "--preset", "tiny", "--seed", "2");
        check("fig6", args, dir -> {
            StringBuilder b = new StringBuilder(withoutVolatile(JSON.readTree(dir.resolve("summary.json").toFile())).toString());
            List<String> results = Files.readAllLines(dir.resolve("results.jsonl"));
            assertThat(results).hasSize(4);
            for (String line : results) b.append('\n').append(withoutVolatile(JSON.readTree(line)));
            return b.toString();
        });
    }

    interface Fingerprint {
        String of(Path outDir) throws IOException;
    }

    /** One uninterrupted run, then ROUNDS killed-and-resumed runs compared with it. */
    private void check(String name, List<String> args, Fingerprint fingerprint) throws Exception {
        Path whole = tmp.resolve(name + "-whole");
        long t0 = System.nanoTime();
        assertThat(exec(args, whole, false).waitFor()).as("uninterrupted " + name).isZero();
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        String want = fingerprint.of(whole);
        Random r = new Random(SEED ^ name.hashCode());
        for (int round = 0; round < ROUNDS; round++) {
            Path out = tmp.resolve(name + "-killed-" + round);
            long killAt = (long) (wallMs * (0.15 + 0.8 * r.nextDouble()));
            Process p = exec(args, out, false);
            boolean finished = p.waitFor(killAt, TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();                      // SIGKILL: no shutdown hooks, no finally blocks
                p.waitFor();
            }
            if (Files.exists(out)) assertNoTornFiles(out);
            int code = exec(args, out, true).waitFor();
            assertThat(code).as("%s round %d, killed at %d of %d ms: resume exit code (log %s)", name, round, killAt, wallMs,
                    out.resolveSibling(out.getFileName() + ".log")).isZero();
            assertThat(fingerprint.of(out)).as("%s round %d, killed at %d ms", name, round, killAt).isEqualTo(want);
        }
    }

    /** A child JVM running the CLI; its output goes to OUT.log beside the folder. */
    private static Process exec(List<String> args, Path out, boolean resume) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), "dev.originality.cli.Main"));
        cmd.addAll(args);
        cmd.addAll(List.of("--out", out.toString()));
        if (resume) cmd.add("--resume");
        Path log = out.resolveSibling(out.getFileName() + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Every file a reader would pick up (not hidden) parses whole: JSON, safetensors, PNG, CSV rows. */
    static void assertNoTornFiles(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(f -> !hidden(dir, f)).toList();
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (n.endsWith(".json")) JSON.readTree(f.toFile());
            else if (n.endsWith(".jsonl")) for (String line : Files.readAllLines(f)) JSON.readTree(line);
            else if (n.endsWith(".safetensors")) SafeTensors.read(f);
            else if (n.endsWith(".png")) assertThat(ImageIO.read(f.toFile())).as(f.toString()).isNotNull();
            else if (n.endsWith(".csv")) {
                List<String> lines = Files.readAllLines(f);
                assertThat(Files.readString(f)).as(f + " ends with a whole row").endsWith("\n");
                for (String line : lines) assertThat(line.split(",", -1)).as(f + ": " + line).hasSameSizeAs(lines.get(0).split(",", -1));
            }
        }
    }

    /** Under a folder or file whose name starts with '.', e.g. an atomic write's ".name.partial" staging file. */
    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** The model's tensors (exact values), tokenizer and index; train.csv's rows without the wall-clock column. */
    static String modelFingerprint(Path model) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String f : List.of("unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
                "vae/diffusion_pytorch_model.safetensors", "tokenizer/vocab.json", "tokenizer/merges.txt", "model_index.json")) {
            m.put(f, Hashing.sha256(model.resolve(f)));
        }
        StringBuilder rows = new StringBuilder();
        for (String line : Files.readAllLines(model.resolve("train.csv"))) rows.append(line, 0, line.lastIndexOf(',')).append('\n');
        m.put("train.csv", rows.toString());
        return m.toString();
    }

    /** Each image's score.json (without timings and the command line) and learned embeddings. */
    static String scoreFingerprint(Path out) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                String rel = out.relativize(f).toString(), n = f.getFileName().toString();
                if (n.equals("score.json")) m.put(rel, withoutVolatile(JSON.readTree(f.toFile())).toString());
                else if (n.endsWith(".safetensors") || n.endsWith(".bin")) m.put(rel, Hashing.sha256(f));
            }
        }
        assertThat(m.keySet().stream().filter(k -> k.endsWith("score.json"))).hasSize(3);
        return m.toString();
    }

    /** Drops what legitimately differs between runs: wall-clock times and the command line (which gains --resume). */
    static JsonNode withoutVolatile(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode c = o.deepCopy();
            c.remove(List.of("provenance", "seconds", "timings_seconds"));
            List<String> keys = new ArrayList<>();
            c.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) c.set(k, withoutVolatile(c.get(k)));
            return c;
        }
        if (n.isArray()) {
            var a = JSON.createArrayNode();
            n.forEach(x -> a.add(withoutVolatile(x)));
            return a;
        }
        return n;
    }
}
