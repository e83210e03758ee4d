package dev.originality.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.originality.shapes.ImageFolder;
import dev.originality.shapes.ImageRecord;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A training set held in memory as 8-bit RGB (100,000 64x64 images are 1.2 GB; as float32 they
 * would be 4.9 GB), turned into float batches on demand.
 */
public final class ImageData {
    private final byte[][] pixels;      // [N][3·H·W], planar RGB
    private final String[] captions;
    private final int size;

    private ImageData(byte[][] pixels, String[] captions, int size) {
        this.pixels = pixels;
        this.captions = captions;
        this.size = size;
    }

    /** Reads an imagefolder; every image must be square and of the same size. */
    public static ImageData load(Path dir) throws IOException {
        List<ImageRecord> recs = ImageFolder.read(dir);
        if (recs.isEmpty()) throw new IllegalArgumentException("imagefolder '" + dir + "' lists no images");
        int[] sizes = new int[recs.size()];
        byte[][] px = new byte[recs.size()][];
        try {
            IntStream.range(0, recs.size()).parallel().forEach(i -> {
                Path f = dir.resolve(recs.get(i).fileName());
                BufferedImage img;
                try {
                    img = dev.originality.shapes.Images.read(f);   // bounded: the pixel count is checked before decoding
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (img == null) throw new IllegalArgumentException("'" + f + "' is not a readable image");
                if (img.getWidth() != img.getHeight()) {
                    throw new IllegalArgumentException("'" + f + "' is " + img.getWidth() + "x" + img.getHeight() + ", expected a square image");
                }
                sizes[i] = img.getWidth();
                px[i] = planar(img);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (int i = 1; i < sizes.length; i++) {
            if (sizes[i] != sizes[0]) {
                throw new IllegalArgumentException("'" + recs.get(i).fileName() + "' is " + sizes[i] + " px, but the first image is " + sizes[0] + " px");
            }
        }
        return new ImageData(px, recs.stream().map(ImageRecord::text).toArray(String[]::new), sizes[0]);
    }

    /** SHA-256 over every image's pixels and caption, in order: two loads of the same data agree. */
    public String fingerprint() {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < pixels.length; i++) {
                d.update(pixels[i]);
                d.update(captions[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int count() {
        return pixels.length;
    }

    public int imageSize() {
        return size;
    }

    public String caption(int i) {
        return captions[i];
    }

    public List<String> captions() {
        return List.of(captions);
    }

    /** The images at {@code indices} as [B, 3, H, W] float32 in [-1, 1] (diffusers' convention). */
    public NDArray batch(NDManager manager, int[] indices) {
        int plane = 3 * size * size;
        ByteBuffer buf = ByteBuffer.allocateDirect(indices.length * plane);
        for (int i : indices) buf.put(pixels[i]);
        buf.flip();
        NDArray u8 = manager.create(buf, new Shape(indices.length, 3, size, size), DataType.UINT8);
        return u8.toType(DataType.FLOAT32, false).div(127.5f).sub(1f);
    }

    static byte[] planar(BufferedImage img) {
        int s = img.getWidth(), n = s * s;
        byte[] out = new byte[3 * n];
        int[] rgb = img.getRGB(0, 0, s, s, null, 0, s);
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (rgb[i] >> 16);
            out[n + i] = (byte) (rgb[i] >> 8);
            out[2 * n + i] = (byte) rgb[i];
        }
        return out;
    }
}
