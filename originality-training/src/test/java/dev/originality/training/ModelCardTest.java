package dev.originality.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The card keeps a resumed model's account: total steps, a loss averaged over recent steps, hand-written history. */
class ModelCardTest {
    @TempDir Path dir;

    @Test
    void exportFromACheckpointKeepsTheLastRunsFigures() throws Exception {
        StringBuilder csv = new StringBuilder("stage,step,loss,lr,seconds\n");
        for (int step = 1; step <= 400; step++) csv.append("unet,").append(step).append(',').append(step <= 150 ? 1.0 : 0.5).append(",1e-4,1.0\n");
        Files.writeString(dir.resolve("train.csv"), csv);
        TrainPreset p = TrainPreset.named("tiny");

        ModelCard first = new ModelCard(dir, p, 1, dir.resolve("no-data"), "originality train --steps 400");
        first.unet(new UNetTrainer.Result(0.42, 61.4, 400), 400);
        first.write(62);
        ModelCard export = new ModelCard(dir, p, 1, dir.resolve("no-data"), "originality train --resume --steps 400");
        export.unet(new UNetTrainer.Result(Double.NaN, 0.2, 0), 400);
        export.write(1);

        String readme = Files.readString(dir.resolve("README.md"));
        assertThat(readme).contains("- unet: 400 steps, mean loss of the last 250 0.50000 (`train.csv`); last run: 400 steps in 61 s, final loss 0.42000");
        assertThat(ModelCard.recentLoss(dir.resolve("train.csv"), "unet", 200, 100)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void historyIsRenderedUnderTheCommands() throws Exception {
        var json = Checkpoint.JSON.createObjectNode();
        json.putArray("commands").add("originality train …");
        json.put("history", "History: steps 0-100 on a laptop.\n");
        assertThat(ModelCard.render(json)).contains("originality train …\n```\n\nHistory: steps 0-100 on a laptop.\n\n");
    }
}
