package dev.originality.diffusion.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reference vectors from diffusers (see src/test/resources/fixtures/README.md) and comparisons against them. */
public final class Fixtures {
    public static final Path ROOT = Path.of("src/test/resources/fixtures");
    public static final Path SD_TINY = ROOT.resolve("sd-tiny");
    public static final Path SD_TINY_F16 = ROOT.resolve("sd-tiny-f16");
    /** Max |diff| allowed on single modules (README). */
    public static final double TOLERANCE = 1e-4;

    private Fixtures() {}

    public static Map<String, NDArray> load(Path file, NDManager m) throws IOException {
        return SafeTensors.load(file, m);
    }

    public static double maxAbsDiff(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).as("shape").isEqualTo(expected.getShape());
        return actual.sub(expected).abs().max().getFloat();
    }

    /** Asserts max |actual - expected| ≤ TOLERANCE (and that they have the same shape); returns the diff. */
    public static double assertClose(String what, NDArray actual, NDArray expected) {
        double d = maxAbsDiff(actual, expected);
        System.out.printf("%-40s max|diff| = %.3g%n", what, d);
        assertThat(d).as(what + " max |diff|").isLessThanOrEqualTo(TOLERANCE);
        return d;
    }
}
