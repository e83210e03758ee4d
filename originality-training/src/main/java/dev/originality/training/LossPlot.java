package dev.originality.training;

import dev.originality.diffusion.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** MODEL_DIR/loss.png from train.csv: one series per stage, raw and smoothed (moving average). */
public final class LossPlot {
    private LossPlot() {}

    public static void write(Path modelDir) throws IOException {
        Path csv = modelDir.resolve("train.csv");
        if (!Files.exists(csv)) return;
        Map<String, List<double[]>> byStage = TrainLog.read(csv);
        XYChart chart = new XYChartBuilder().width(900).height(500).title("training loss").xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        for (Map.Entry<String, List<double[]>> e : byStage.entrySet()) {
            List<double[]> rows = e.getValue();
            int w = Math.max(1, rows.size() / 50);
            double[] x = new double[rows.size()], y = new double[rows.size()];
            double acc = 0;
            for (int i = 0; i < rows.size(); i++) {
                acc += rows.get(i)[1];
                if (i >= w) acc -= rows.get(i - w)[1];
                x[i] = rows.get(i)[0];
                y[i] = Math.max(1e-8, acc / Math.min(i + 1, w));
            }
            chart.addSeries(e.getKey() + " (mean of " + w + ")", x, y).setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.write(modelDir.resolve("loss.png"), tmp -> {
            try (var out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
