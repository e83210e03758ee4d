package dev.originality.inversion;

import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.pipelines.StableDiffusion;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** The sd-tiny fixture (random tiny weights, 32x32 images) and a fixed query image for tests. */
final class TinyModel {
    static final Path DIR = Path.of("../originality-diffusion/src/test/resources/fixtures/sd-tiny/pipeline");

    private TinyModel() {}

    static StableDiffusion load() throws IOException {
        return StableDiffusion.load(DIR);
    }

    /** A red square and a blue disc on white, 32x32. */
    static BufferedImage picture() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.RED);
        g.fillRect(3, 4, 12, 12);
        g.setColor(Color.BLUE);
        g.fillOval(17, 15, 12, 12);
        g.dispose();
        return img;
    }

    static QueryImage query(NDManager m) {
        return QueryImage.of(picture(), 32, m);
    }
}
