package dev.originality.inversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Placeholder token names. A learned sequence of m vectors has a base name such as "<s*>"; its
 * tokens are "<s*1>" … "<s*m>". In a multi-length batch length m uses the base "<s" + m + "*>",
 * so lengths never share a token: "<s1*1>"; "<s3*1> <s3*2> <s3*3>".
 */
public final class Placeholders {
    /** The base name written into learned_embeds files (diffusers' single key). */
    public static final String DEFAULT_BASE = "<s*>";

    private Placeholders() {}

    /** The base name of length m within a multi-length batch. */
    public static String baseForLength(int m) {
        return "<s" + m + "*>";
    }

    /** The base name of restart r (0 = the length's own base) of length m: "<s2r1*>" for the second chain of length 2. */
    public static String baseForChain(int m, int r) {
        return r == 0 ? baseForLength(m) : "<s" + m + "r" + r + "*>";
    }

    /** Token i (1-based) of a base: "<s*>" → "<s*i>"; a base without closing '>' gets i appended. */
    public static String token(String base, int i) {
        return base.endsWith(">") ? base.substring(0, base.length() - 1) + i + ">" : base + i;
    }

    public static List<String> tokens(String base, int m) {
        List<String> t = new ArrayList<>(m);
        for (int i = 1; i <= m; i++) t.add(token(base, i));
        return t;
    }

    /** The prompt text for a sequence: its tokens separated by spaces. */
    public static String sequence(String base, int m) {
        return String.join(" ", tokens(base, m));
    }
}
