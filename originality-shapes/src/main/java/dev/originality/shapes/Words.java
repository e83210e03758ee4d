package dev.originality.shapes;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of caption words into enum values, with errors that list the valid words. */
final class Words {
    private Words() {}

    static <E extends Enum<E>> E parse(Class<E> type, String word, String what) {
        String w = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(w)) return e;
        }
        throw new IllegalArgumentException("unknown " + what + " '" + word + "': expected one of "
                + valid(type));
    }

    static <E extends Enum<E>> String valid(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
