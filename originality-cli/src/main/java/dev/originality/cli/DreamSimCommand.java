package dev.originality.cli;

import ai.djl.ndarray.NDManager;
import dev.originality.measure.dreamsim.DreamSim;
import dev.originality.measure.dreamsim.DreamSimConfig;
import dev.originality.measure.dreamsim.DreamSimConvert;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** DreamSim weights: convert the released checkpoints (safely, no pickle code runs), and measure distances. */
@Command(name = "dreamsim", mixinStandardHelpOptions = true,
        description = "DreamSim perceptual distance (the paper's reconstruction metric, App. F).",
        subcommands = {DreamSimCommand.Convert.class, DreamSimCommand.Distance.class})
final class DreamSimCommand {

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Convert DreamSim's released 'ensemble' checkpoints into a weights folder (config.json + model.safetensors, LoRA merged).",
                    "The checkpoints are read by a restricted reader that rebuilds tensors, dicts and lists only and refuses anything else."})
    static final class Convert implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "DreamSim's cache_dir after unzipping dreamsim_ensemble_checkpoint.zip (default: ./models)")
        Path cacheDir = Path.of("models");

        @Option(names = "--dino", paramLabel = "FILE", description = "DINO ViT-B/16: torch.hub's dino_vitbase16_pretrain.pth or DINO's full checkpoint (teacher); default: found in --cache-dir")
        Path dino;

        @Option(names = "--clip", paramLabel = "FILE", description = "clip_vitb16_pretrain.pth.tar (default: in --cache-dir)")
        Path clip;

        @Option(names = "--open-clip", paramLabel = "FILE", description = "open_clip_vitb16_pretrain.pth.tar (default: in --cache-dir)")
        Path openClip;

        @Option(names = "--lora", paramLabel = "DIR", description = "the PEFT adapter folder ensemble_lora/ (default: in --cache-dir)")
        Path lora;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "the weights folder to write (must not exist)")
        Path out;

        @Override
        public Integer call() throws IOException {
            DreamSimConvert.Sources found = DreamSimConvert.Sources.inCacheDir(cacheDir);
            List<Path> backbones = List.of(dino != null ? dino : found.backbones().get(0), clip != null ? clip : found.backbones().get(1),
                    openClip != null ? openClip : found.backbones().get(2));
            DreamSimConvert.Sources sources = new DreamSimConvert.Sources(backbones, lora != null ? lora : found.lora());
            for (Path p : sources.backbones()) {
                if (!Files.isRegularFile(p)) throw new UserError("expected a checkpoint at " + p + ", found none");
            }
            if (!Files.isDirectory(sources.lora())) throw new UserError("expected the LoRA adapter folder at " + sources.lora() + ", found none");
            DreamSimConvert.Result r = DreamSimConvert.convert(sources, DreamSimConfig.ensembleVitB16(), out);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d tensors, LoRA merged into %d modules (scale %.4g)%n",
                    r.folder(), r.tensors(), r.loraModules(), r.loraScale());
            return 0;
        }
    }

    @Command(name = "distance", mixinStandardHelpOptions = true,
            description = "DreamSim distance (1 - cos) of each IMAGE to the QUERY image; images of any size are resized as DreamSim does.")
    static final class Distance implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--weights", paramLabel = "DIR", required = true, description = "a DreamSim weights folder (dreamsim convert writes one)")
        Path weights;

        @Parameters(index = "0", paramLabel = "QUERY", description = "the reference image (PNG, JPEG, WebP)")
        Path query;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "images to compare with QUERY")
        List<Path> images = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            BufferedImage q = read(query);
            List<BufferedImage> others = new ArrayList<>();
            for (Path p : images) others.add(read(p));
            PrintWriter out = spec.commandLine().getOut();
            try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(weights, m)) {
                double[] d = ds.distances(q, others);
                for (int i = 0; i < d.length; i++) out.printf(Locale.ROOT, "%.6f\t%s%n", d[i], images.get(i));
            }
            return 0;
        }

        private static BufferedImage read(Path p) throws IOException {
            if (!Files.isRegularFile(p)) throw new UserError("expected an image at " + p + ", found none");
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) throw new UserError("cannot decode " + p + " as an image (expected PNG, JPEG or WebP)");
            return img;
        }
    }
}
