package dev.originality.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.VectorGraphicsEncoder;

/** The studies' figures, as PNG and SVG (written to a temporary name, then moved into place). */
final class StudyPlots {
    private StudyPlots() {}

    /** Fig. 6: for each group, the share of its queries at each verdict 1..K, +. stem gets .png and .svg. */
    static void originality(Path stem, List<String> groups, List<OriginalityStudy.Row> rows, int k) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(720).height(420).title("Minimum learned tokens that reconstruct the query")
                .xAxisTitle("min tokens (+: none up to " + k + ")").yAxisTitle("share of queries").build();
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(java.awt.Color.WHITE);
        List<String> cats = new ArrayList<>();
        for (int m = 1; m <= k; m++) cats.add(Integer.toString(m));
        cats.add("+");
        for (String g : groups) {
            List<OriginalityStudy.Row> mine = rows.stream().filter(r -> r.group().equals(g)).toList();
            List<Double> share = new ArrayList<>();
            for (int m = 1; m <= k + 1; m++) {
                final int mm = m;
                share.add(mine.isEmpty() ? 0.0 : mine.stream().filter(r -> r.verdictRank() == mm).count() / (double) mine.size());
            }
            c.addSeries(g + " (n=" + mine.size() + ")", cats, share);
        }
        save(c, stem);
    }

    /** Fig. 3 (centre): frequency of the missing element per diversity level (levels as categories, as in the paper), one line per conditioning, 95% intervals as error bars. */
    static void generalization(Path stem, JsonNode summary) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(720).height(420).title("Generation of the element missing from training")
                .xAxisTitle("distinct elements spanned by the training set").yAxisTitle("frequency of the missing element").build();
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Line);
        c.getStyler().setOverlapped(true);      // both lines at the level's tick, not side by side like bars
        c.getStyler().setErrorBarsColorSeriesColor(true);
        List<String> levels = new ArrayList<>();
        summary.path("results").forEach(r -> levels.add(r.path("level").asText()));
        for (String set : GeneralizationSummary.SETS) {
            List<Double> y = new ArrayList<>(), err = new ArrayList<>();
            for (JsonNode r : summary.path("results")) {
                JsonNode n = r.path(set);
                y.add(n.path("frequency").asDouble());
                // XChart draws symmetric bars: the larger half of the (asymmetric) percentile interval.
                err.add(Math.max(n.path("frequency").asDouble() - n.path("ci95").path(0).asDouble(),
                        n.path("ci95").path(1).asDouble() - n.path("frequency").asDouble()));
            }
            c.addSeries(set.equals("empty") ? "empty prompt" : "prompt naming the missing element", levels, y, err);
        }
        save(c, stem);
    }

    static void save(Chart<?, ?> c, Path stem) throws IOException {
        Path dir = stem.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = stem.getFileName().toString();
        Path tmp = dir.resolve("." + name + ".tmp");
        BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);        // appends .png
        Files.move(Path.of(tmp + ".png"), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        VectorGraphicsEncoder.saveVectorGraphic(c, tmp.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);   // appends .svg
        Files.move(Path.of(tmp + ".svg"), dir.resolve(name + ".svg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
