package dev.originality.shapes;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Paints a scene with antialiased Java2D on a white background. */
public final class Renderer {
    private Renderer() {}

    public static BufferedImage render(Scene scene, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, size, size);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (PlacedElement p : scene.elements()) {
                Element e = p.element();
                g.setColor(new java.awt.Color(e.colour().rgb));
                g.fill(Geometry.painted(e, p.cx(), p.cy(), p.radius()));
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
