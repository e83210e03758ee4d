package dev.originality.measure.score;

/**
 * The real-image judge's settings (paper §4.2-4.3, App. E.2, F).
 *
 * @param distanceThreshold    a length reconstructs the query when the mean DreamSim distance of its
 *                             reconstructions to the query is at most this, in (0, 2]
 * @param reconstructionPrompt the reconstructions' prompt; "{}" is S*_m (App. E.2: "a photo of S*_m")
 * @param editPrompt           the editability prompt; "{}" is S*_m (§4.2: "cat in S*_m")
 * @param minEditability       a length is in distribution when at least this share of its edited
 *                             images follow the edit, in [0, 1]
 * @param subjectWord          the domain word the tokens were initialised with (the init token W); it
 *                             stands in for S*_m in the texts CLIP compares, which CLIP cannot read
 */
public record RealJudgeConfig(double distanceThreshold, String reconstructionPrompt, String editPrompt, double minEditability,
                              String subjectWord) {
    /**
     * 0.45: the paper's common images reach 0.28-0.43 with one token (Fig. 8) and its original ones
     * 0.60-0.77 (Fig. 7, one token), falling to 0.32-0.52 with more tokens. Just above the highest
     * common one-token distance, a common image passes at m = 1 while an original one needs several
     * tokens (houses 4, sport 2, animals 3, people 5 in Fig. 7) or none suffices (art, 0.52: "+").
     */
    public static final double DEFAULT_DISTANCE_THRESHOLD = 0.45;
    public static final String DEFAULT_RECONSTRUCTION_PROMPT = "a photo of {}";
    public static final String DEFAULT_EDIT_PROMPT = "cat in {}";
    /** Most edits must show the edit: a length whose tokens override every prompt is out of distribution. */
    public static final double DEFAULT_MIN_EDITABILITY = 0.5;

    public RealJudgeConfig {
        if (!(distanceThreshold > 0 && distanceThreshold <= 2)) {
            throw new IllegalArgumentException("distance threshold must be in (0, 2] (DreamSim distance is 1 - cos), found " + distanceThreshold);
        }
        template("reconstruction prompt", reconstructionPrompt);
        template("edit prompt", editPrompt);
        if (!(minEditability >= 0 && minEditability <= 1)) {
            throw new IllegalArgumentException("minimum editability rate must be in [0, 1], found " + minEditability);
        }
        if (subjectWord == null || subjectWord.isBlank()) {
            throw new IllegalArgumentException("the subject word (init token) must be a word, found '" + subjectWord + "'");
        }
    }

    public static RealJudgeConfig defaults(String subjectWord) {
        return new RealJudgeConfig(DEFAULT_DISTANCE_THRESHOLD, DEFAULT_RECONSTRUCTION_PROMPT, DEFAULT_EDIT_PROMPT, DEFAULT_MIN_EDITABILITY,
                subjectWord);
    }

    public RealJudgeConfig withDistanceThreshold(double d) {
        return new RealJudgeConfig(d, reconstructionPrompt, editPrompt, minEditability, subjectWord);
    }

    public RealJudgeConfig withEditPrompt(String p) {
        return new RealJudgeConfig(distanceThreshold, reconstructionPrompt, p, minEditability, subjectWord);
    }

    /** The two texts CLIP compares an edited image with: the edit, and the unedited reconstruction prompt. */
    public String editText() {
        return editPrompt.replace("{}", subjectWord);
    }

    public String plainText() {
        return reconstructionPrompt.replace("{}", subjectWord);
    }

    private static void template(String what, String t) {
        if (t == null || !t.contains("{}")) {
            throw new IllegalArgumentException(what + " must contain {} for the learned tokens, e.g. \"cat in {}\"; found "
                    + (t == null ? "none" : "'" + t + "'"));
        }
    }
}
