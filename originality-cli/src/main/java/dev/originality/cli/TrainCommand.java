package dev.originality.cli;

import dev.originality.shapes.Caption;
import dev.originality.training.Checkpoint;
import dev.originality.training.ImageData;
import dev.originality.training.LossPlot;
import dev.originality.training.ModelCard;
import dev.originality.training.TrainPreset;
import dev.originality.training.UNetTrainer;
import dev.originality.training.VaeTrainer;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the synthetic text-to-image model (VAE, then UNet + text encoder) into a diffusers folder; resumable.")
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, description = "imagefolder made by 'originality dataset'")
    Path data;

    @Option(names = "--preset", defaultValue = "cpu", description = "tiny, cpu or paper (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--stage", defaultValue = "all", description = "vae, unet or all (default ${DEFAULT-VALUE})")
    String stage;

    @Option(names = "--vae", description = "model folder whose vae/ the unet stage uses (default: --out's)")
    Path vae;

    @Option(names = "--steps", description = "steps of the stage(s) run, instead of the preset's")
    Integer steps;

    @Option(names = "--batch", description = "batch size of the stage(s) run, instead of the preset's")
    Integer batch;

    @Option(names = "--lr", description = "learning rate of the stage(s) run, instead of the preset's")
    Double lr;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (cuda: see README)")
    String device;

    @Option(names = "--out", required = true, description = "model folder to write")
    Path out;

    @Option(names = "--resume", description = "continue from the last checkpoint in --out")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if (!device.equals("cpu")) throw new UserError("training runs on --device cpu only in this version");
        if (!java.util.List.of("vae", "unet", "all").contains(stage)) throw new UserError("--stage must be vae, unet or all, found '" + stage + "'");
        TrainPreset p = TrainPreset.named(preset);
        boolean doVae = !stage.equals("unet"), doUnet = !stage.equals("vae");
        p = ModelCard.override(p, doVae, doUnet, steps, batch, lr);
        for (String s : doVae && doUnet ? new String[] {VaeTrainer.STAGE, UNetTrainer.STAGE} : new String[] {doVae ? "vae" : "unet"}) {
            if (!resume && Checkpoint.exists(out, s)) {
                throw new UserError("'" + out + "' already holds a " + s + " checkpoint: pass --resume to continue it, or choose another --out");
            }
        }
        Path vaeDir = vae != null ? vae.resolve("vae") : out.resolve("vae");
        if (!doVae && !Files.isDirectory(vaeDir)) throw new UserError("the unet stage needs a trained VAE: '" + vaeDir + "' does not exist (run --stage vae first or pass --vae)");
        ImageData images = ImageData.load(data);
        for (int i = 0; i < images.count(); i++) Caption.parse(images.caption(i));   // unknown words fail here, naming the word
        long t0 = System.nanoTime();
        ModelCard card = new ModelCard(out, p, seed, data, Provenance.of("train", spec.commandLine().getParseResult().originalArgs()).path("command").asText());
        if (doVae) {
            try (ProgressBar bar = Progress.bar("vae", p.vaeSteps())) {
                VaeTrainer.Result r = VaeTrainer.train(images, p, seed, out, resume, (st, step, total, loss) -> {
                    bar.stepTo(step);
                    bar.setExtraMessage(String.format(" loss %.4f", loss));
                });
                card.vae(r);
            }
            LossPlot.write(out);
        }
        if (doUnet) {
            try (ProgressBar bar = Progress.bar("unet", p.unetSteps())) {
                UNetTrainer.Result r = UNetTrainer.train(images, p, seed, vaeDir, out, resume, (st, step, total, loss) -> {
                    if (st.equals(UNetTrainer.LATENTS)) {
                        bar.setExtraMessage(String.format(" encoding latents %d/%d (once; cached for --resume)", step, total));
                        return;
                    }
                    bar.stepTo(step);
                    bar.setExtraMessage(String.format(" loss %.4f", loss));
                });
                card.unet(r, p.unetSteps());
            }
            LossPlot.write(out);
        }
        card.write((System.nanoTime() - t0) / 1e9);
        spec.commandLine().getOut().printf("trained %s (%s) in %.0f s → %s%n", stage, p.name(), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
