package dev.originality.measure.score;

/** Text into HTML pages (the score, study and demo reports). */
public final class Html {
    private Html() {}

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
