package dev.originality.inversion;

/** The loss became NaN or infinite: training stops at once rather than write meaningless vectors. */
public final class InversionDivergedException extends IllegalStateException {
    private final int step;
    private final int length;

    public InversionDivergedException(int step, double loss, int length) {
        super("textual inversion diverged at step " + step + ": loss " + loss + " for the length-" + length
                + " placeholders (expected a finite loss; lower the learning rate)");
        this.step = step;
        this.length = length;
    }

    public int step() { return step; }

    public int length() { return length; }
}
