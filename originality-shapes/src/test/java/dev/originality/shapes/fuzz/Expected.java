package dev.originality.shapes.fuzz;

/**
 * What a fuzz target may see from a reader given garbage: a result, or our documented
 * {@link IllegalArgumentException} with a message that names the input. Anything else propagates
 * and is a finding, and so is an IllegalArgumentException subclass leaking from a library
 * (NumberFormatException, InvalidPathException, PatternSyntaxException: raw, not our message).
 */
public final class Expected {
    private Expected() {}

    /** Rethrows {@code e} as a finding unless it is our plain IllegalArgumentException mentioning each of {@code names}. */
    public static void check(IllegalArgumentException e, String... names) {
        if (e.getClass() != IllegalArgumentException.class) throw new AssertionError("raw library exception leaked", e);
        String m = e.getMessage();
        if (m == null || m.isBlank()) throw new AssertionError("IllegalArgumentException without a message", e);
        for (String name : names) {
            if (!m.contains(name)) throw new AssertionError("message does not name '" + name + "': " + m, e);
        }
    }
}
