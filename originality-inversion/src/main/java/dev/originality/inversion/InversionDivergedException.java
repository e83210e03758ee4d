package dev.originality.inversion;

/** The loss became NaN or infinite: training stops at once rather than write meaningless vectors. */
public final class InversionDivergedException extends IllegalStateException {
    private final int step;
    private final int length;

    /** @param culprit the first non-finite tensor, described, or null when the inputs and vectors were all finite */
    public InversionDivergedException(int step, double loss, int length, String culprit) {
        super("textual inversion diverged at step " + step + ": loss " + loss + " for the length-" + length + " placeholders; "
                + (culprit == null ? "the query latents, noise and placeholder vectors are finite (the loss itself overflowed)"
                                   : "first non-finite tensor: " + culprit)
                + " (expected a finite loss; lower the learning rate)");
        this.step = step;
        this.length = length;
    }

    public int step() { return step; }

    public int length() { return length; }
}
