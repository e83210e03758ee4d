package dev.originality.shapes;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Bounded image decoding (any format ImageIO reads here: PNG, JPEG, BMP, GIF, WBMP, and WebP through
 * TwelveMonkeys' pure-Java plugin). A file can
 * claim any size in a few bytes, so the dimensions are read from the header first and an image
 * over {@link #MAX_PIXELS} is refused before a single pixel is allocated; metadata (text chunks,
 * ICC profiles, thumbnails) is not decoded. Only the first image of a multi-image file is read.
 * Every problem is an {@link IllegalArgumentException} naming the file.
 */
public final class Images {
    /** 64 megapixels (8192 x 8192): far above any image this tool works with (512 x 512 and below). */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;

    private Images() {}

    public static BufferedImage read(Path file) throws IOException {
        return read(file, MAX_PIXELS);
    }

    /** {@link #read(Path)} with another pixel bound (the fuzz tests use a small one to stay fast). */
    public static BufferedImage read(Path file, long maxPixels) throws IOException {
        String where = "image '" + file + "'";
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + " does not exist");
        if (!Files.isReadable(file)) throw new IllegalArgumentException(where + " is not readable");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IllegalArgumentException(where + " could not be opened");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IllegalArgumentException(where + " is not an image (expected PNG, JPEG, WebP, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true); // forward only, ignore metadata
                return decode(reader, where, maxPixels);
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage decode(ImageReader reader, String where, long maxPixels) {
        String format = reader.getOriginatingProvider() == null ? "image" : reader.getOriginatingProvider().getFormatNames()[0];
        long w = decoding(where, format, () -> reader.getWidth(0)), h = decoding(where, format, () -> reader.getHeight(0));
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException(where + ": " + format + " header gives size " + w + "x" + h + ", expected positive");
        }
        if (w * h > maxPixels) {
            throw new IllegalArgumentException(where + ": " + format + " of " + w + "x" + h + " = " + w * h
                    + " pixels exceeds the limit of " + maxPixels + " pixels");
        }
        BufferedImage img = decoding(where, format, () -> reader.read(0));
        if (img == null) throw new IllegalArgumentException(where + ": the " + format + " decoder returned no image");
        return img;
    }

    /** One call into an ImageIO decoder. */
    private interface DecoderCall<T> {
        T run() throws IOException;
    }

    /** Runs a decoder call; whatever it throws on malformed input becomes one line naming the file. */
    private static <T> T decoding(String where, String format, DecoderCall<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": corrupt or truncated " + format + " ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")");
        } catch (IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException | NegativeArraySizeException
                 | ArithmeticException | NullPointerException | ClassCastException | UnsupportedOperationException e) {
            // decoder bugs on malformed input (ImageIO plugins are not hardened): still one line, not a stack trace
            throw new IllegalArgumentException(where + ": corrupt " + format + " (the decoder failed with " + e + ")", e);
        }
    }
}
