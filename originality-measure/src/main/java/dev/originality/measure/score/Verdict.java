package dev.originality.measure.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.List;

/** A judge's verdict on one token length; how it is written is the judge's business. */
public interface Verdict {
    int tokens();

    int samples();

    boolean passed();

    /**
     * Whether the length would pass with its measured figure at the favourable end of its 95% interval
     * (rate at the upper bound, distance at the lower) and at the unfavourable end; the in-distribution
     * check holds in both. {@link Score#verdictRange} is built from these.
     */
    boolean passesAtBest();

    boolean passesAtWorst();

    double finalLoss();

    /** Adds the judge's fields to the length's score.json entry. */
    void toJson(ObjectNode entry);

    /** One short phrase for the console, e.g. "0.50" or "dreamsim 0.41, edits 0.75". */
    String brief();

    /** The report cells, one per {@link Judge.Description#columns()}. */
    List<String> cells();

    /** Per reconstruction: whether it counts as reproducing the query, and a tooltip. */
    List<SampleNote> notes();

    /** Further images of this length (the editability images), written beside the reconstructions and shown in the report. */
    List<Extra> extras();

    record SampleNote(boolean good, String title) {}

    /**
     * @param prefix  file names m&lt;k&gt;/&lt;prefix&gt;-NN.png
     * @param caption the report's label for the row
     * @param images  sample order, seeds as the reconstructions'
     * @param notes   one per image
     */
    record Extra(String prefix, String caption, List<BufferedImage> images, List<SampleNote> notes) {
        public Extra {
            images = List.copyOf(images);
            notes = List.copyOf(notes);
            if (images.size() != notes.size()) throw new IllegalArgumentException("extra '" + prefix + "': " + images.size()
                    + " images but " + notes.size() + " notes");
        }
    }
}
