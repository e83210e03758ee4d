package dev.originality.diffusion.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * GPT-2/CLIP byte-to-unicode mapping: every byte gets a printable, non-space character so that
 * BPE can work on strings. Printable Latin-1 bytes map to themselves; the other 68 bytes map to
 * U+0100 upwards, in byte order.
 */
final class ByteLevel {
    /** byte (0..255) → its character. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The 256 characters in CLIP's vocabulary order: the self-mapped bytes first, then the shifted ones. */
    static final List<String> ALPHABET;

    static {
        List<Integer> order = new ArrayList<>();
        boolean[] self = new boolean[256];
        for (int b = 0; b < 256; b++) {
            self[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (self[b]) {
                BYTE_TO_CHAR[b] = (char) b;
                order.add(b);
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!self[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + shifted++);
                order.add(b);
            }
        }
        List<String> alphabet = new ArrayList<>(256);
        for (int b : order) alphabet.add(String.valueOf(BYTE_TO_CHAR[b]));
        ALPHABET = Collections.unmodifiableList(alphabet);
    }

    private ByteLevel() {}

    /** The UTF-8 bytes of {@code text}, one mapped character per byte. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }
}
