package dev.originality.measure;

import dev.originality.shapes.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where prompted generations go wrong, per caption element: which attribute the model confused, or whether the element
 * was dropped, and how many elements it added. Tells a weak text binding (wrong colour on the right shape) from poor
 * drawing (wrong shape) from a wrong count — each calls for a different remedy.
 *
 * <p>Each element of the caption that the image lacks is paired with an unasked-for detection: first one that differs
 * only in shape, then only in colour, then only in size or texture; what stays unpaired is "missing" (caption side) or
 * "extra" (image side).
 */
public record ErrorBreakdown(int images, int elements, int rightCount, int shape, int colour, int sizeOrTexture,
                             int missing, int extra) {

    /** Shares of the caption elements (extra: per caption element too), and of images with the right element count. */
    public String line() {
        double n = Math.max(1, elements);
        return String.format(Locale.ROOT, "errors per caption element: wrong shape %.1f%%, wrong colour %.1f%%, wrong size/texture %.1f%%, "
                        + "missing %.1f%%, extra elements %.1f%%; right element count in %.1f%% of images",
                100 * shape / n, 100 * colour / n, 100 * sizeOrTexture / n, 100 * missing / n, 100 * extra / n,
                100.0 * rightCount / Math.max(1, images));
    }

    /** Share of caption elements the image holds (each element the image lacks is counted once above); 1 with none. */
    public double accuracy() {
        return elements == 0 ? 1 : 1 - (shape + colour + sizeOrTexture + missing) / (double) elements;
    }

    public static ErrorBreakdown of(List<List<Element>> wanted, List<List<Element>> found) {
        if (wanted.size() != found.size()) throw new IllegalArgumentException("one detection list per caption expected");
        int images = wanted.size(), elements = 0, rightCount = 0, shape = 0, colour = 0, other = 0, missing = 0, extra = 0;
        for (int i = 0; i < images; i++) {
            List<Element> want = wanted.get(i), got = found.get(i);
            elements += want.size();
            if (want.size() == got.size()) rightCount++;
            List<Element> lack = new ArrayList<>(ElementSets.minus(want, got));
            List<Element> surplus = new ArrayList<>(ElementSets.minus(got, want));
            shape += pair(lack, surplus, (a, b) -> a.colour() == b.colour() && a.size() == b.size() && a.texture() == b.texture());
            colour += pair(lack, surplus, (a, b) -> a.shape() == b.shape() && a.size() == b.size() && a.texture() == b.texture());
            other += pair(lack, surplus, (a, b) -> a.shape() == b.shape() && a.colour() == b.colour());
            missing += lack.size();
            extra += surplus.size();
        }
        return new ErrorBreakdown(images, elements, rightCount, shape, colour, other, missing, extra);
    }

    /** Removes matched pairs (first fit) from both lists; returns how many. */
    private static int pair(List<Element> lack, List<Element> surplus, java.util.function.BiPredicate<Element, Element> differsOnlyThere) {
        int n = 0;
        for (var it = lack.iterator(); it.hasNext(); ) {
            Element a = it.next();
            for (int j = 0; j < surplus.size(); j++) {
                if (differsOnlyThere.test(a, surplus.get(j))) {
                    surplus.remove(j);
                    it.remove();
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
