package dev.originality.shapes;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: image decoding ({@link Images#read}) of PNG, JPEG, BMP and GIF bytes. The pixel
 * bound is 2^20 here (the bound check is the same code as for {@link Images#MAX_PIXELS}) so that an
 * execution costs at most a few MB. Seeds: ImagesFuzzTestInputs/ (small images of each format);
 * long run: {@code bench/fuzz.sh ImagesFuzzTest}.
 */
public class ImagesFuzzTest {
    static final long FUZZ_MAX_PIXELS = 1L << 20;
    private static final Path FILE = FuzzFiles.tempDir("images-fuzz").resolve("image");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus decoded pixels (4 bytes each, a converted copy) under the fuzz pixel bound, plus decoder state.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("ImagesFuzzTest", 2, 8 * FUZZ_MAX_PIXELS + (4L << 20));

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, ImagesFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            BufferedImage img = Images.read(FILE, FUZZ_MAX_PIXELS);
            if ((long) img.getWidth() * img.getHeight() > FUZZ_MAX_PIXELS) throw new AssertionError("bound not applied: " + img);
            img.getRGB(img.getWidth() - 1, img.getHeight() - 1);
        } catch (IllegalArgumentException e) {
            Expected.check(e, FILE.toString());
        }
    }

    @FuzzTest
    void images(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
