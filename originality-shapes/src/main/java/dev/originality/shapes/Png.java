package dev.originality.shapes;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** PNG encoding with one reused ImageIO writer per thread (creating writers dominates for 64x64). */
public final class Png {
    private static final ThreadLocal<ImageWriter> WRITER = ThreadLocal.withInitial(() -> {
        ImageIO.setUseCache(false);
        return ImageIO.getImageWritersByFormatName("png").next();
    });

    private Png() {}

    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        ImageWriter w = WRITER.get();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            w.write(null, new IIOImage(image, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.reset();
        }
        return bytes.toByteArray();
    }
}
