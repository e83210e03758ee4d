package dev.originality.shapes;

/** FULL is a filled shape; EMPTY is its outline only, with a white interior. */
public enum Texture {
    FULL, EMPTY;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Texture parse(String word) {
        return Words.parse(Texture.class, word, "texture");
    }
}
