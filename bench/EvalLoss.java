import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.schedulers.Scheduler;
import dev.originality.diffusion.schedulers.Schedulers;
import dev.originality.diffusion.tokenizer.ClipTokenizer;
import dev.originality.inversion.InversionConfig;
import dev.originality.inversion.LearnedEmbeddings;
import dev.originality.inversion.MultiTokenInversion;
import dev.originality.inversion.QueryImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Does the denoising loss on fixed draws tell a length that reconstructs from one whose search failed? For each
 * score folder (score.json, query.png, embeddings/m<k>.safetensors) and each length, the mean denoising loss of the
 * saved vectors on 64 draws shared by every folder of the same query: t at the midpoints of 64 equal strata of
 * [0, 1000), one fixed noise, the bare sequence as prompt (what --restarts compares chains on). One JSON line per
 * folder: {"dir", "image_sha256", "rates", "eval"}.
 *
 * Usage: java -cp "originality-cli/target/originality.jar:originality-cli/target/lib/*" bench/EvalLoss.java MODEL DIR...
 */
public class EvalLoss {
    public static void main(String[] args) throws Exception {
        int draws = MultiTokenInversion.EVAL_DRAWS;
        ObjectMapper json = new ObjectMapper();
        try (StableDiffusion sd = StableDiffusion.load(Path.of(args[0])); NDManager m = NDManager.newBaseManager();
             Scheduler scheduler = Schedulers.named("ddpm", sd.schedulerConfig())) {
            int trainSteps = (int) scheduler.config().numTrainTimesteps();
            long[] t = new long[draws];
            for (int i = 0; i < draws; i++) t[i] = (long) ((i + 0.5) * trainSteps / draws);
            long width = sd.textEncoder().config().hiddenSize();
            for (int d = 1; d < args.length; d++) {
                Path dir = Path.of(args[d]);
                JsonNode score = json.readTree(dir.resolve("score.json").toFile());
                List<Double> rates = new ArrayList<>(), eval = new ArrayList<>();
                try (NDManager s = m.newSubManager()) {
                    QueryImage q = QueryImage.load(dir.resolve("query.png"), sd.imageSize(), s);
                    NDArray z = new MultiTokenInversion(sd, InversionConfig.cpu()).encodeLatents(q.pixels(), s);   // [1, 4, h, w]
                    Engine.getInstance().setRandomSeed(1234);
                    NDArray noise = s.randomNormal(new Shape(draws, 4, z.getShape().get(2), z.getShape().get(3)));  // [E, 4, h, w]
                    NDArray tt = s.create(t);
                    NDArray noisy = scheduler.addNoise(noise.zerosLike().add(z), noise, tt);
                    for (JsonNode length : score.path("per_length")) {
                        int k = length.path("tokens").asInt();
                        rates.add(length.path("reconstruction_rate").asDouble());
                        Path file = dir.resolve("embeddings/m" + k + ".safetensors");
                        if (!Files.exists(file)) {
                            eval.add(Double.NaN);
                            continue;
                        }
                        try (NDManager c = s.newSubManager()) {
                            LearnedEmbeddings le = LearnedEmbeddings.load(file, c, (int) width);
                            Map<String, NDArray> vectors = le.expand();
                            ClipTokenizer tok = sd.tokenizer().withAddedTokens(new ArrayList<>(vectors.keySet()));
                            long[] one = tok.encode(le.sequence());
                            long[] ids = new long[one.length * draws];
                            for (int i = 0; i < draws; i++) System.arraycopy(one, 0, ids, i * one.length, one.length);
                            Map<Long, NDArray> injected = new HashMap<>();
                            vectors.forEach((name, v) -> injected.put((long) tok.tokenId(name), v));
                            NDArray idArray = c.create(ids, new Shape(draws, one.length));                         // [E, L]
                            var te = sd.textEncoder();
                            NDArray context = te.forwardEmbeddings(te.embed(idArray, injected), idArray).lastHiddenState();
                            NDArray diff = sd.unet().forward(noisy, tt, context).sub(noise);                        // [E, 4, h, w]
                            eval.add((double) diff.mul(diff).mean().getFloat());
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "{\"dir\": \"%s\", \"image_sha256\": \"%s\", \"rates\": [%s], \"eval\": [%s]}%n", dir,
                        score.path("image_sha256").asText(), rates.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", ")),
                        eval.stream().map(x -> String.format(Locale.ROOT, "%.6f", x)).collect(Collectors.joining(", ")));
            }
        }
    }
}
