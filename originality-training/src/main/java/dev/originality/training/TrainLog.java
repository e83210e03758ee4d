package dev.originality.training;

import dev.originality.diffusion.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MODEL_DIR/train.csv: one row per step (stage, step, loss, lr, seconds since the stage began). */
final class TrainLog {
    static final String HEADER = "stage,step,loss,lr,seconds";
    private final Path file;
    private final StringBuilder pending = new StringBuilder();

    TrainLog(Path modelDir) {
        this.file = modelDir.resolve("train.csv");
    }

    /** On resume: drop rows of this stage past the checkpoint's step (they will be redone), and any torn row. */
    void truncate(String stage, int keepUpToStep) throws IOException {
        if (!Files.exists(file)) return;
        StringBuilder keep = new StringBuilder(HEADER).append('\n');
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(",");
            if (line.equals(HEADER) || f.length != 5 || !f[1].matches("\\d{1,9}")) continue;
            if (!f[0].equals(stage) || Integer.parseInt(f[1]) <= keepUpToStep) keep.append(line).append('\n');
        }
        AtomicFiles.writeString(file, keep.toString());
    }

    /** The rows of a train.csv by stage, each {step, loss}, in file order; empty when there is no file. */
    static Map<String, List<double[]>> read(Path csv) throws IOException {
        Map<String, List<double[]>> byStage = new LinkedHashMap<>();
        if (!Files.exists(csv)) return byStage;
        for (String line : Files.readAllLines(csv)) {
            if (line.equals(HEADER)) continue;
            String[] f = line.split(",");
            byStage.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
        }
        return byStage;
    }

    void add(String stage, int step, double loss, double lr, double seconds) {
        pending.append(String.format(java.util.Locale.ROOT, "%s,%d,%.6f,%.3g,%.1f%n", stage, step, loss, lr, seconds));
    }

    /**
     * Adds the buffered rows by replacing the file (a kill leaves the old or the new log, never a torn row). Called
     * before each checkpoint is written: a kill between the two leaves rows past the checkpoint, which the resume drops.
     */
    void flush() throws IOException {
        String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER + "\n";
        AtomicFiles.writeString(file, old + pending);
        pending.setLength(0);
    }
}
