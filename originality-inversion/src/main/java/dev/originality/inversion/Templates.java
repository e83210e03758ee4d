package dev.originality.inversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt templates as data; "{}" stands for a placeholder sequence such as "<s3*1> <s3*2> <s3*3>".
 */
public final class Templates {
    private Templates() {}

    /**
     * Synthetic shapes: the sequence alone (the shapes captions are bare word lists, so "{}" matches
     * how the model was trained) plus a few caption-like joins with the caption connective "and".
     */
    public static final List<String> SYNTHETIC = List.of(
            "{}",
            "{}",
            "{}",
            "{} and",
            "and {}",
            "a {}"); // the bare form is drawn half the time

    /** Textual inversion's object templates (Gal et al. 2022, diffusers' textual_inversion.py). */
    public static final List<String> OBJECT = List.of(
            "a photo of a {}", "a rendering of a {}", "a cropped photo of the {}", "the photo of a {}",
            "a photo of a clean {}", "a photo of a dirty {}", "a dark photo of the {}", "a photo of my {}",
            "a photo of the cool {}", "a close-up photo of a {}", "a bright photo of the {}", "a cropped photo of a {}",
            "a photo of the {}", "a good photo of the {}", "a photo of one {}", "a close-up photo of the {}",
            "a rendition of the {}", "a photo of the clean {}", "a rendition of a {}", "a photo of a nice {}",
            "a good photo of a {}", "a photo of the nice {}", "a photo of the small {}", "a photo of the weird {}",
            "a photo of the large {}", "a photo of a cool {}", "a photo of a small {}");

    /** The paper's art-domain templates (App. E.2). */
    public static final List<String> ART = List.of(
            "a detailed image of the artwork titled {}", "a high-resolution photo of the artwork {}",
            "a close-up view of the artwork known as {}", "a digital representation of the art piece {}",
            "the famous artwork {}", "a full view of the art piece titled {}", "an artistic interpretation of {}",
            "a gallery display of the artwork {}", "a photographic capture of the art {}", "the artwork {} in full detail",
            "a visual study of the artwork {}", "the complete artwork known as {}", "an exhibition view of {}",
            "a curated image of the artwork {}", "a detailed scan of {}", "an artistic rendering of {}",
            "a high-quality image of the artwork {}", "the full artwork titled {}", "a museum display of {}",
            "an archival photograph of the artwork {}");

    /** A named list: "synthetic", "object" or "art". */
    public static List<String> named(String name) {
        return switch (name) {
            case "synthetic" -> SYNTHETIC;
            case "object" -> OBJECT;
            case "art" -> ART;
            default -> throw new IllegalArgumentException("unknown template list '" + name + "': expected synthetic, object or art");
        };
    }

    /**
     * A named list, or else a UTF-8 text file of templates, one per line (blank lines and lines
     * starting with '#' are skipped); every template must hold "{}".
     */
    public static List<String> resolve(String nameOrFile) throws IOException {
        if (List.of("synthetic", "object", "art").contains(nameOrFile)) return named(nameOrFile);
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("templates: expected synthetic, object, art or a text file of templates, found '"
                    + nameOrFile + "' (no such file)");
        }
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("templates file '" + file + "' line " + (i + 1) + ": expected {} for the learned tokens, found '" + t + "'");
            }
            out.add(t);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("templates file '" + file + "' holds no template (one per line, with {})");
        return List.copyOf(out);
    }

    /** The template with its "{}" replaced by the placeholder sequence. */
    public static String fill(String template, String sequence) {
        return template.replace("{}", sequence);
    }
}
