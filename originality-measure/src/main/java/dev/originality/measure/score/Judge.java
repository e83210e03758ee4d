package dev.originality.measure.score;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * How one token length is judged (paper §4.3): whether its reconstructions reproduce the query and
 * stay in distribution. {@link DetectorJudge} is the synthetic judge (element multisets and varied
 * layouts); {@link RealImageJudge} the real-image one (DreamSim distance and editability).
 */
public interface Judge {
    /** The reconstruction prompt; "{}" stands for the placeholder sequence S*_m. */
    String reconstructionPrompt();

    /** What the judge is, for score.json, the resume check and the report. */
    Description describe();

    /** Starts judging one query, given at the model's resolution. */
    Session start(BufferedImage query);

    /** One query's judge. */
    interface Session {
        /** Judges length m from its learned vectors [m, C] and its reconstructions (sample order). */
        Verdict judge(int tokens, NDArray vectors, List<BufferedImage> reconstructions, double finalLoss);

        /** What the judge found in the query: top-level score.json fields and a sentence for the report. */
        QueryNote note();
    }

    /** @param json top-level score.json fields; html: an HTML sentence about the query */
    record QueryNote(ObjectNode json, String html) {}

    /**
     * @param name     e.g. "detector" or "dreamsim+clip"
     * @param settings the judge's own settings (score.json "judge"; part of the resume identity)
     * @param ruleHtml the report's explanation of when a length passes
     * @param columns  the report's per-length columns, filled by {@link Verdict#cells()}
     */
    record Description(String name, ObjectNode settings, String ruleHtml, List<String> columns) {
        public Description {
            columns = List.copyOf(columns);
        }
    }
}
