package dev.originality.inversion;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.Images;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: a query image from arbitrary bytes, decoded (PNG, JPEG, BMP, GIF; at most 2^20
 * pixels here, the same check as {@link Images#MAX_PIXELS}) and preprocessed (centre crop, bicubic
 * resize to 8x8); every pixel must land in [0, 1]. Seeds: QueryImageFuzzTestInputs/; long run:
 * {@code bench/fuzz.sh QueryImageFuzzTest}.
 */
public class QueryImageFuzzTest {
    private static final Path FILE = FuzzFiles.tempDir("query-image-fuzz").resolve("query");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus the decoded image under the fuzz pixel bound, its resized copy and the float tensor.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("QueryImageFuzzTest", 2, 16L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, QueryImageFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            QueryImage.Preprocessed p = QueryImage.preprocess(Images.read(FILE, 1L << 20), 8);
            if (p.pixels().length != 3 * 8 * 8) throw new AssertionError(p.pixels().length + " pixels");
            for (float v : p.pixels()) if (!(v >= 0 && v <= 1)) throw new AssertionError("pixel " + v + " outside [0, 1]");
        } catch (IllegalArgumentException e) {
            Expected.check(e, FILE.toString());
        }
    }

    @FuzzTest
    void queryImage(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
