package dev.originality.diffusion.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text cleanup and word split, as transformers' slow CLIPTokenizer does it when ftfy is
 * absent (its BasicTokenizer path): drop control/format characters, turn every whitespace into a
 * space, put spaces around CJK ideographs, NFC-normalise, lower-case, collapse whitespace; then
 * split with CLIP's pattern (special tokens, contractions, runs of letters, single digits, runs
 * of other non-space characters).
 */
final class PreTokenizer {
    static final String BOS = "<|startoftext|>";
    static final String EOS = "<|endoftext|>";

    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizer() {}

    /** The words of {@code text} after cleanup, each still in plain (not byte-mapped) characters. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = WORDS.matcher(clean(text));
        while (m.find()) words.add(m.group());
        return words;
    }

    /** Cleaned, lower-cased text with single spaces between whitespace-separated pieces. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isWhitespace(cp)) sb.append(' ');
            else if (isCjk(cp)) sb.append(' ').appendCodePoint(cp).append(' ');
            else sb.appendCodePoint(cp);
        });
        String normalized = Normalizer.normalize(sb, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(normalized.length());
        for (String piece : splitOnWhitespace(normalized)) {
            if (out.length() > 0) out.append(' ');
            out.append(piece.toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    private static List<String> splitOnWhitespace(String s) {
        List<String> pieces = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (space && start >= 0) {
                pieces.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) pieces.add(s.substring(start));
        return pieces;
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** Unicode categories C* (control, format, surrogate, private use, unassigned), except tab/newlines. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
    }

    /** The CJK Unified Ideograph blocks that BERT's BasicTokenizer splits into single-character words. */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
