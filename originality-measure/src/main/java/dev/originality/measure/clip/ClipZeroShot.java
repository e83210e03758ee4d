package dev.originality.measure.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.tokenizer.ClipTokenizer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CLIP zero-shot comparison of images against texts: a transformers {@code CLIPModel} folder with
 * its tokenizer files ({@code vocab.json}, {@code merges.txt}, as the released folders ship them).
 */
public final class ClipZeroShot implements AutoCloseable {
    private final ClipModel model;
    private final ClipTokenizer tokenizer;
    private final NDManager manager;

    private ClipZeroShot(ClipModel model, ClipTokenizer tokenizer, NDManager manager) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
    }

    public static ClipZeroShot load(Path dir) throws IOException {
        NDManager m = NDManager.newBaseManager();
        try {
            ClipModel model = ClipModel.load(dir, m);
            ClipTokenizer tok;
            try {
                tok = ClipTokenizer.load(dir);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("clip folder '" + dir + "' needs the CLIP tokenizer files beside the weights: " + e.getMessage(), e);
            }
            if (tok.vocabSize() != model.config().text().vocabSize()) {
                throw new IllegalArgumentException("clip folder '" + dir + "': tokenizer has " + tok.vocabSize() + " tokens, the text tower "
                        + model.config().text().vocabSize());
            }
            return new ClipZeroShot(model, tok, m);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public ClipModel model() {
        return model;
    }

    /** logits_per_image [I][T] = exp(logit_scale) · cos(image i, text t); images of any size are preprocessed as CLIP does. */
    public float[][] logits(List<BufferedImage> images, List<String> texts) {
        try (NDManager work = manager.newSubManager()) {
            long[] ids = new long[texts.size() * tokenizer.maxLength()];
            for (int t = 0; t < texts.size(); t++) System.arraycopy(tokenizer.encode(texts.get(t)), 0, ids, t * tokenizer.maxLength(), tokenizer.maxLength());
            NDArray textEmbeds = model.text(work.create(ids, new Shape(texts.size(), tokenizer.maxLength()))).embeds();   // [T, P]
            float[][] out = new float[images.size()][];
            for (int i = 0; i < images.size(); i++) {
                try (NDManager step = work.newSubManager()) {
                    NDArray px = ClipPreprocess.pixelValues(step, List.of(images.get(i)), model.config().vision().imageSize()); // [1, 3, S, S]
                    out[i] = model.logitsPerImage(model.vision(px).embeds(), textEmbeds).toFloatArray();                 // [T]
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
