package dev.originality.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.PngImages;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.pipelines.GenerationRequest;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.diffusion.pipelines.TextToImage;
import dev.originality.diffusion.schedulers.Schedulers;
import dev.originality.shapes.OutputDir;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Text to image with classifier-free guidance (diffusers' StableDiffusionPipeline, step for step).")
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", description = "diffusers model folder (default: the shipped " + DefaultModel.NAME + ")")
    Path model;

    @Option(names = "--prompt", required = true, description = "the prompt")
    String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "the negative prompt (default: empty)")
    String negativePrompt;

    @Option(names = "--num-images", defaultValue = "4", description = "images to make (default ${DEFAULT-VALUE})")
    int numImages;

    @Option(names = "--steps", defaultValue = "50", description = "denoising steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale (default ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--scheduler", defaultValue = "pndm", description = "pndm, ddim or ddpm (default ${DEFAULT-VALUE})")
    String scheduler;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--latents", paramLabel = "FILE.safetensors", description = "initial noise [N, C, h, w] under key 'latents' instead of drawing it")
    Path latents;

    @Option(names = "--save-latents", description = "also write latents.safetensors (final latents) and images.safetensors ([N, 3, H, W] in [0, 1])")
    boolean saveLatents;

    @Option(names = "--embeddings", paramLabel = "FILE.safetensors",
            description = "learned embeddings (diffusers learned_embeds or AUTOMATIC1111 emb_params); '{}' in the prompt stands for their token sequence, e.g. --prompt '{}'")
    Path embeddings;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--overwrite", description = "replace a non-empty output folder")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Schedulers.NAMES.contains(scheduler)) {
            throw new UserError("unknown scheduler '" + scheduler + "': expected one of " + String.join(", ", Schedulers.NAMES));
        }
        Path dir = DefaultModel.resolve(model);
        if (latents != null && !Files.isRegularFile(latents)) throw new UserError("--latents file '" + latents + "' does not exist");
        if (embeddings != null && !Files.isRegularFile(embeddings)) throw new UserError("--embeddings file '" + embeddings + "' does not exist");
        OutputDir target = OutputDir.begin(out, overwrite);
        try (StableDiffusion sd = StableDiffusion.load(dir, DeviceOption.parse(device));
             NDManager m = sd.manager().newSubManager()) {
            String text = prompt;
            Map<String, NDArray> injected = Map.of();
            if (embeddings != null) {
                var emb = dev.originality.inversion.LearnedEmbeddings.load(embeddings, m, sd.textEncoder().config().hiddenSize());
                injected = emb.expand();
                if (!text.contains("{}") && !text.contains(dev.originality.inversion.Placeholders.token(emb.base(), 1))) {
                    throw new UserError("--prompt must contain {} (or the tokens " + emb.sequence() + ") to use --embeddings, found '" + prompt + "'");
                }
                text = text.replace("{}", emb.sequence());
            }
            GenerationRequest r = GenerationRequest.of(text, seed).withNegativePrompt(negativePrompt).withImages(numImages)
                    .withSteps(steps).withGuidance(guidance).withScheduler(scheduler).withInjected(injected);
            if (latents != null) {
                NDArray l = readLatents(latents, m);
                numImages = Math.toIntExact(l.getShape().get(0));   // the file decides how many
                r = r.withImages(numImages).withLatents(l);
            }
            TextToImage.Result res;
            try (ProgressBar bar = Progress.bar("generate", steps)) {
                res = TextToImage.run(sd, r, m, false, bar::stepTo);
            }
            Map<String, String> prov = new LinkedHashMap<>();
            prov.put("prompt", prompt);
            prov.put("negative_prompt", negativePrompt);
            if (embeddings != null) prov.put("embeddings", embeddings.toString());
            prov.put("steps", Integer.toString(steps));
            prov.put("scheduler", scheduler);
            prov.put("guidance_scale", Double.toString(guidance));
            prov.put("model", dir.toString());
            prov.put("model_sha256", sd.sha256());
            prov.put("software", "originality " + dev.originality.shapes.Version.VERSION);
            prov.put("command", Provenance.of("generate", spec.commandLine().getParseResult().originalArgs()).path("command").asText());
            for (int i = 0; i < numImages; i++) {
                prov.put("seed", latents != null ? "latents:" + latents : Long.toString(seed));
                prov.put("index", Integer.toString(i));
                PngImages.write(target.dir().resolve(String.format("%03d.png", i)), PngImages.toImage(res.images().get(i)), prov);
            }
            if (saveLatents) {
                SafeTensors.save(target.dir().resolve("latents.safetensors"), Map.of("latents", res.latents()), prov);
                SafeTensors.save(target.dir().resolve("images.safetensors"), Map.of("images", res.images()), prov);
            }
            target.commit();
            spec.commandLine().getOut().printf("wrote %d images to %s%n", numImages, out);
            return 0;
        } catch (Exception e) {
            target.abort();
            throw e;
        }
    }

    private static NDArray readLatents(Path file, NDManager m) throws java.io.IOException {
        Map<String, NDArray> t = SafeTensors.load(file, m);
        NDArray l = t.get("latents");
        if (l == null) throw new UserError("'" + file + "' has no tensor 'latents' (found " + t.keySet() + ")");
        if (l.getShape().dimension() != 4) throw new UserError("'latents' must be [N, C, h, w], found " + l.getShape());
        return l;
    }
}
