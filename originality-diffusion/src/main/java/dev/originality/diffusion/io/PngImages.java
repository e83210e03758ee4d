package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Images to and from tensors, and PNGs that carry their provenance in tEXt chunks. */
public final class PngImages {
    private static final String PNG_FORMAT = "javax_imageio_png_1.0";

    private PngImages() {}

    /** image: [3, H, W] float in [0, 1] → 8-bit RGB (rounded as PIL does from numpy: ×255, round). */
    public static BufferedImage toImage(NDArray image) {
        long[] s = image.getShape().getShape();
        if (s.length != 3 || s[0] != 3) throw new IllegalArgumentException("expected an image tensor [3, H, W], found " + image.getShape());
        int h = (int) s[1], w = (int) s[2];
        float[] v = image.toFloatArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                img.setRGB(x, y, byteOf(v[i]) << 16 | byteOf(v[plane + i]) << 8 | byteOf(v[2 * plane + i]));
            }
        }
        return img;
    }

    private static int byteOf(float f) {
        return Math.max(0, Math.min(255, Math.round(f * 255f)));
    }

    /** Writes a PNG with tEXt chunks (key → value), atomically (temp file, then rename). */
    public static void write(Path file, BufferedImage image, Map<String, String> text) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            IIOMetadataNode root = new IIOMetadataNode(PNG_FORMAT);
            IIOMetadataNode chunks = new IIOMetadataNode("tEXt");
            for (Map.Entry<String, String> e : text.entrySet()) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("value", e.getValue());
                chunks.appendChild(entry);
            }
            root.appendChild(chunks);
            meta.mergeTree(PNG_FORMAT, root);
            AtomicFiles.write(file, tmp -> {
                try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
                    writer.setOutput(out);
                    writer.write(null, new IIOImage(image, null, meta), param);
                }
            });
        } finally {
            writer.dispose();
        }
    }

    /** The tEXt chunks of a PNG, in file order. */
    public static Map<String, String> readText(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = ImageIO.createImageInputStream(file.toFile())) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IllegalArgumentException("'" + file + "' is not an image");
            var reader = readers.next();
            reader.setInput(in);
            IIOMetadata meta = reader.getImageMetadata(0);
            if (!java.util.Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_FORMAT)) return out;
            var root = (IIOMetadataNode) meta.getAsTree(PNG_FORMAT);
            var entries = root.getElementsByTagName("tEXtEntry");
            for (int i = 0; i < entries.getLength(); i++) {
                var e = (IIOMetadataNode) entries.item(i);
                out.put(e.getAttribute("keyword"), e.getAttribute("value"));
            }
            reader.dispose();
        }
        return out;
    }
}
