package dev.originality.shapes;

import java.util.Objects;

/**
 * A frequency group defined by a pair of shapes (paper App. E.1): {@code fraction} of all images
 * contain one element of shape {@code a} and one of shape {@code b}, in varying colours. A
 * fraction of 0 makes the pair "unseen": it never appears together in training.
 */
public record PairRule(String group, Shape a, Shape b, double fraction) {
    public PairRule {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a == b) throw new IllegalArgumentException("pair '" + group + "' needs two different shapes, found " + a.word() + " twice");
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("pair '" + group + "' fraction must be in [0, 1], found " + fraction);
        }
        if (group.equals(Scene.EMPTY) || group.equals(Scene.OTHER)) {
            throw new IllegalArgumentException("pair group name '" + group + "' is reserved");
        }
    }

    public boolean matches(Shape x, Shape y) {
        return (x == a && y == b) || (x == b && y == a);
    }
}
