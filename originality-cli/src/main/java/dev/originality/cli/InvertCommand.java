package dev.originality.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.InversionConfig;
import dev.originality.inversion.LearnedEmbeddings;
import dev.originality.inversion.MultiTokenInversion;
import dev.originality.inversion.Placeholders;
import dev.originality.inversion.QueryImage;
import dev.originality.inversion.Templates;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Multi-token textual inversion of one image. Lengths 1..M are learned in one batch; length M goes
 * to --out, every shorter length m beside it as FILE.m&lt;m&gt;.safetensors (out.safetensors →
 * out.m1.safetensors, …). Each file holds {"&lt;s*&gt;": [m, C]} plus preprocessing and provenance metadata.
 */
@Command(name = "invert", mixinStandardHelpOptions = true,
        description = "Learn 1..M token embeddings that reconstruct IMAGE under a frozen model (multi-token textual inversion).")
final class InvertCommand implements Callable<Integer> {
    static final Path DEFAULT_MODEL = Path.of("models/shapes-originality-64");

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "query image (PNG, JPEG or WebP, any size: centre-cropped and resized)")
    Path image;

    @Option(names = "--model", paramLabel = "DIR", description = "diffusers model folder (default: " + "models/shapes-originality-64" + ")")
    Path model;

    @Option(names = "--tokens", required = true, paramLabel = "M", description = "longest token sequence; lengths 1..M are learned")
    int tokens;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny, cpu, thorough or paper (lr 5e-4, batch 20, 2000 steps); default ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--templates", paramLabel = "object|art|FILE", description = "prompt templates: synthetic, object, art (App. E.2) or a file with one per line (default: the preset's, synthetic)")
    String templates;

    @Option(names = "--init-token", paramLabel = "W", description = "initial embedding word (default: the preset's, \"and\"; for real images the domain word, e.g. house)")
    String initToken;

    @Mixin
    InversionOptions inversion = new InversionOptions();

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "where the length-M embeddings go")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (tokens < 1) throw new UserError("--tokens must be at least 1, found " + tokens);
        String name = out.getFileName().toString();
        if (!name.endsWith(".safetensors")) throw new UserError("--out must name a .safetensors file, found '" + out + "'");
        InversionConfig cfg = config();
        Path modelDir = model != null ? model : DEFAULT_MODEL;
        if (model == null && !Files.isDirectory(DEFAULT_MODEL)) {
            throw new UserError("no default model: '" + DEFAULT_MODEL + "' does not exist under " + Path.of("").toAbsolutePath()
                    + "; pass --model DIR");
        }
        BufferedImage img = QueryImage.read(image);
        ObjectNode prov = Provenance.of("invert", spec.commandLine().getParseResult().originalArgs());
        try (StableDiffusion sd = StableDiffusion.load(modelDir); NDManager m = NDManager.newBaseManager();
             ProgressBar bar = Progress.bar("invert", cfg.steps())) {
            QueryImage q = QueryImage.of(img, sd.imageSize(), m);
            long t0 = System.nanoTime();
            var result = new MultiTokenInversion(sd, cfg).run(q.pixels(), m, (step, loss, byLength) -> {
                bar.step();
                bar.setExtraMessage(String.format("loss %.4f", loss));
            });
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("tool", prov.path("tool").asText());
            meta.put("version", prov.path("version").asText());
            meta.put("command", prov.path("command").asText());
            meta.put("image", image.toString());
            meta.put("preprocessing", q.preprocessing());
            meta.put("model", modelDir.toString());
            meta.put("model_sha256", sd.sha256());
            meta.put("seed", Long.toString(cfg.seed()));
            meta.put("steps", Integer.toString(cfg.steps()));
            meta.put("batch", Integer.toString(cfg.batch()));
            meta.put("lr", Double.toString(cfg.lr()));
            meta.put("lr_schedule", cfg.lrSchedule());
            meta.put("micro_batch", Integer.toString(cfg.microBatch()));
            if (cfg.timestepWindow() > 1) meta.put("timestep_window", Integer.toString(cfg.timestepWindow()));
            if (cfg.restarts() > 0) meta.put("restarts", Integer.toString(cfg.restarts()));
            if (cfg.initNoise() > 0) meta.put("init_noise", Double.toString(cfg.initNoise()));
            meta.put("max_tokens", Integer.toString(cfg.maxTokens()));
            meta.put("init_token", cfg.initToken());
            meta.put("templates", templates != null ? templates : "synthetic");
            for (Map.Entry<Integer, NDArray> e : result.embeddings().entrySet()) {
                int len = e.getKey();
                Map<String, String> md = new LinkedHashMap<>(meta);
                md.put("tokens", Integer.toString(len));
                md.put("final_loss", Double.toString(result.finalLoss().get(len)));
                Path file = len == tokens ? out : siblingFor(out, len);
                new LearnedEmbeddings(Placeholders.DEFAULT_BASE, e.getValue(), md).save(file);
            }
            StringBuilder finals = new StringBuilder();
            result.finalLoss().forEach((len, l) -> finals.append(String.format(" m%d %.5f", len, l)));
            spec.commandLine().getOut().printf("learned lengths 1..%d in %d steps (%.1f s, %.0f ms/step), final loss (last tenth of the steps)%s; wrote %s%s%n",
                    tokens, cfg.steps(), secs, secs * 1000 / cfg.steps(), finals, out,
                    tokens > 1 ? " and " + siblingFor(out, 1).getFileName() + " .. " + siblingFor(out, tokens - 1).getFileName() : "");
        }
        return 0;
    }

    private InversionConfig config() throws java.io.IOException {
        InversionConfig c = InversionConfig.preset(preset);
        if (templates != null) c = c.withTemplates(Templates.resolve(templates));
        c = c.withLengths(tokens).withSeed(seed);   // at least one sample per length unless --batch says otherwise
        if (initToken != null) c = c.withInitToken(initToken);
        c = inversion.apply(c);
        return c;
    }

    /** out.safetensors → out.m&lt;len&gt;.safetensors. */
    static Path siblingFor(Path out, int len) {
        String name = out.getFileName().toString();
        String stem = name.substring(0, name.length() - ".safetensors".length());
        return out.resolveSibling(stem + ".m" + len + ".safetensors");
    }
}
