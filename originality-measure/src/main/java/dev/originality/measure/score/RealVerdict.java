package dev.originality.measure.score;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real-image judge's verdict on one length.
 *
 * @param distances       DreamSim distance of each reconstruction to the query (sample order)
 * @param ci95            bootstrap 95% interval of the mean distance
 * @param edits           the edit prompt's images (sample order, the reconstructions' seeds)
 * @param followed        per edit: CLIP prefers the edit text
 * @param logits          per edit: CLIP logits of [edit text, plain text]
 * @param editabilityRate share of edits followed
 */
public record RealVerdict(int tokens, double[] distances, double meanDistance, double[] ci95, List<BufferedImage> edits,
                          boolean[] followed, float[][] logits, double editabilityRate, boolean inDistribution, boolean passed,
                          boolean passesAtBest, boolean passesAtWorst, double finalLoss, RealJudgeConfig config) implements Verdict {
    public RealVerdict {
        distances = distances.clone();
        ci95 = ci95.clone();
        edits = List.copyOf(edits);
        followed = followed.clone();
    }

    @Override
    public int samples() {
        return distances.length;
    }

    @Override
    public void toJson(ObjectNode l) {
        ArrayNode d = l.putArray("dreamsim");
        for (double x : distances) d.add(x);
        l.put("dreamsim_mean", meanDistance);
        l.putArray("dreamsim_ci95").add(ci95[0]).add(ci95[1]);
        l.put("editability_rate", editabilityRate);
        ArrayNode f = l.putArray("edits_followed");
        for (boolean b : followed) f.add(b);
        l.put("in_distribution", inDistribution);
    }

    @Override
    public String brief() {
        return String.format(Locale.ROOT, "dreamsim %.3f, editability %.2f", meanDistance, editabilityRate);
    }

    @Override
    public List<String> cells() {
        return List.of(String.format(Locale.ROOT, "%.3f", meanDistance),
                String.format(Locale.ROOT, "[%.3f, %.3f]", ci95[0], ci95[1]), ScoreReport.fmt(editabilityRate), inDistribution ? "yes" : "no");
    }

    @Override
    public List<SampleNote> notes() {
        List<SampleNote> out = new ArrayList<>();
        for (double x : distances) out.add(new SampleNote(x <= config.distanceThreshold(), String.format(Locale.ROOT, "%.3f", x)));
        return out;
    }

    @Override
    public List<Extra> extras() {
        List<SampleNote> notes = new ArrayList<>();
        for (int j = 0; j < followed.length; j++) {
            notes.add(new SampleNote(followed[j], String.format(Locale.ROOT, "%s (%.1f vs %.1f)", followed[j] ? "edit" : "no edit",
                    logits[j][0], logits[j][1])));
        }
        return List.of(new Extra("edit", "editability \"" + config.editPrompt().replace("{}", "S*_" + tokens) + "\"", edits, notes));
    }
}
