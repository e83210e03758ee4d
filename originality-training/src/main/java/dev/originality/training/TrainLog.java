package dev.originality.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** MODEL_DIR/train.csv: one row per step (stage, step, loss, lr, seconds since the stage began). */
final class TrainLog {
    static final String HEADER = "stage,step,loss,lr,seconds";
    private final Path file;
    private final StringBuilder pending = new StringBuilder();

    TrainLog(Path modelDir) {
        this.file = modelDir.resolve("train.csv");
    }

    /** On resume: drop rows of this stage past the checkpoint's step (they will be redone). */
    void truncate(String stage, int keepUpToStep) throws IOException {
        if (!Files.exists(file)) return;
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(",");
            if (line.equals(HEADER) || !f[0].equals(stage) || Integer.parseInt(f[1]) <= keepUpToStep) keep.add(line);
        }
        Files.write(file, keep);
    }

    void add(String stage, int step, double loss, double lr, double seconds) {
        pending.append(String.format(java.util.Locale.ROOT, "%s,%d,%.6f,%.3g,%.1f%n", stage, step, loss, lr, seconds));
    }

    /** Appends buffered rows; called at checkpoints so that the log and the checkpoint agree. */
    void flush() throws IOException {
        if (!Files.exists(file)) Files.writeString(file, HEADER + "\n");
        Files.writeString(file, pending, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        pending.setLength(0);
    }
}
