package dev.originality.measure.score;

import dev.originality.inversion.MultiTokenInversion;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * The originality of one image: the smallest number of learned tokens that reconstructs it in
 * distribution ({@code minTokens}, null when no length up to K does: verdict "+").
 *
 * @param query         the query at the model's resolution, as scored
 * @param preprocessing how the input was brought to the model's resolution
 * @param judge         which judge decided, with its settings
 * @param queryNote     what the judge found in the query
 * @param perLength     the judge's verdict per length, shortest first
 * @param images        length → its reconstructions, in sample order
 * @param embeddings    length → its learned vectors, row-major [m * C]
 */
public record Score(BufferedImage query, String preprocessing, Judge.Description judge, Judge.QueryNote queryNote,
                    List<Verdict> perLength, Integer minTokens, Map<Integer, List<BufferedImage>> images, Map<Integer, float[]> embeddings,
                    int embeddingWidth, double inversionSeconds, double reconstructionSeconds,
                    Map<Integer, MultiTokenInversion.Selection> selection) {

    /** A verdict as a number for ordering and averages: "1".."K" as themselves, "+" as K + 1. */
    public static int verdictRank(String verdict, int k) {
        return verdict.equals("+") ? k + 1 : Integer.parseInt(verdict);
    }

    public String verdict() {
        return minTokens == null ? "+" : Integer.toString(minTokens);
    }

    /**
     * How far the verdict could move within the rates' 95% intervals: the smallest length that passes at
     * the favourable end of its interval and the smallest that passes at the unfavourable end ("+" for
     * none). A verdict of 5 with range 2..+ says the samples cannot tell; 2..2 says they can.
     */
    public String[] verdictRange() {
        return new String[] {smallest(true), smallest(false)};
    }

    private String smallest(boolean best) {
        for (Verdict v : perLength) if (best ? v.passesAtBest() : v.passesAtWorst()) return Integer.toString(v.tokens());
        return "+";
    }

    public double seconds() {
        return inversionSeconds + reconstructionSeconds;
    }
}
