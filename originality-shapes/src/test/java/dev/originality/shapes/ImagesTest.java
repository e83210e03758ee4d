package dev.originality.shapes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounded decoding: sizes come from the header and are checked before any pixel is allocated. */
class ImagesTest {
    @TempDir
    Path tmp;

    @Test
    void decodesSmallImagesOfEachFormat() throws IOException {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        img.setRGB(4, 2, 0x123456);
        for (String format : new String[] {"png", "bmp", "gif", "jpeg"}) {
            Path f = tmp.resolve("i." + format);
            ImageIO.write(img, format, f.toFile());
            BufferedImage back = Images.read(f);
            assertThat(new int[] {back.getWidth(), back.getHeight()}).as(format).containsExactly(5, 3);
        }
        assertThat(Images.read(tmp.resolve("i.png")).getRGB(4, 2) & 0xFFFFFF).isEqualTo(0x123456);
    }

    @Test
    void aTinyPngClaimingAGigapixelIsRefusedFromItsHeader() throws IOException {
        Path f = Files.write(tmp.resolve("huge.png"), png(100_000, 100_000));
        assertThat(Files.size(f)).isLessThan(100);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThatThrownBy(() -> Images.read(f)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("image '" + f + "': png of 100000x100000 = 10000000000 pixels exceeds the limit of 67108864 pixels");
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> Images.read(f)).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated refusing").isLessThan(2L << 20);
        // One pixel over 64 megapixels is refused too; a custom bound applies the same way.
        Files.write(f, png(8192, 8193));
        assertThatThrownBy(() -> Images.read(f)).hasMessageContaining("8192x8193 = 67117056 pixels exceeds the limit");
        Files.write(f, png(1025, 1024));
        assertThatThrownBy(() -> Images.read(f, 1L << 20)).hasMessageContaining("exceeds the limit of 1048576 pixels");
    }

    @Test
    void notAnImageOrCorruptIsOneClearError() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        assertThatThrownBy(() -> Images.read(text)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("image '" + text + "' is not an image (expected PNG, JPEG, WebP, BMP or GIF)");
        assertThatThrownBy(() -> Images.read(tmp.resolve("missing.png"))).hasMessageEndingWith("does not exist");
        byte[] good = png(4, 4);
        Path truncated = Files.write(tmp.resolve("cut.png"), java.util.Arrays.copyOf(good, 45)); // IHDR and 4 bytes of IDAT
        assertThatThrownBy(() -> Images.read(truncated)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("image '" + truncated + "': corrupt");
    }

    /** WebP (lossless and lossy, written by libwebp) decodes to the PNG it was made from: exactly, and within a few levels. */
    @Test
    void decodesWebP() throws IOException {
        BufferedImage png = Images.read(resource("shapes.png"));
        BufferedImage lossless = Images.read(resource("shapes-lossless.webp"));
        BufferedImage lossy = Images.read(resource("shapes-lossy.webp"));
        assertThat(lossless.getWidth()).isEqualTo(64);
        assertThat(lossy.getHeight()).isEqualTo(64);
        long sumAbs = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int a = png.getRGB(x, y), b = lossless.getRGB(x, y), c = lossy.getRGB(x, y);
                assertThat(b & 0xFFFFFF).as("lossless pixel %d,%d", x, y).isEqualTo(a & 0xFFFFFF);
                for (int shift = 0; shift < 24; shift += 8) sumAbs += Math.abs(((a >> shift) & 0xFF) - ((c >> shift) & 0xFF));
            }
        }
        double mean = sumAbs / (64.0 * 64 * 3);
        assertThat(mean).as("lossy mean absolute error per channel").isBetween(0.01, 4.0);
    }

    /** A 2.8 kB lossless WebP of 9000 x 8000 (written by libwebp) is refused from its header, like a PNG. */
    @Test
    void aSmallWebPOfTooManyPixelsIsRefusedFromItsHeader() throws IOException {
        Path f = resource("huge-9000x8000.webp");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> Images.read(f)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9000x8000 = 72000000 pixels exceeds the limit of 67108864 pixels");
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated refusing").isLessThan(2L << 20);
    }

    private static Path resource(String name) {
        try {
            return Path.of(ImagesTest.class.getResource("webp/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PNG with the given header size, 8-bit RGB, and image data for at most 4x4 pixels. */
    static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        chunk(d, "IHDR", ihdr.toByteArray());
        byte[] raw = new byte[Math.min(height, 4) * (1 + 3 * Math.min(width, 4))];
        Deflater z = new Deflater();
        z.setInput(raw);
        z.finish();
        byte[] buf = new byte[256];
        chunk(d, "IDAT", java.util.Arrays.copyOf(buf, z.deflate(buf)));
        chunk(d, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        d.writeInt((int) crc.getValue());
    }
}
