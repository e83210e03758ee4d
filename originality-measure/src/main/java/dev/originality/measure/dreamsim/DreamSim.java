package dev.originality.measure.dreamsim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;
import dev.originality.measure.vit.BicubicResize;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DreamSim perceptual distance (Fu et al. 2023; the paper's reconstruction metric, §3 and
 * App. F): each backbone's feature of the image, concatenated, mean-centred and L2-normalised;
 * distance = 1 − cos. Loads a DreamSim weights folder ({@code config.json} + {@code
 * model.safetensors} in DreamSim's tensor names, LoRA merged; {@link DreamSimConvert} makes one
 * from the released checkpoints). Inference only: weights are frozen and every call scopes its
 * intermediates in a sub-manager of its input's manager; results join the input's manager.
 */
public final class DreamSim implements AutoCloseable {
    private final DreamSimConfig config;
    private final NDManager owner;
    private final List<VitBackbone> backbones;

    /** Per-backbone features and the final embedding of a batch. */
    public record Embedding(List<NDArray> features /* each [B, D_i] */, NDArray embedding /* [B, ΣD_i] */) {}

    private DreamSim(DreamSimConfig config, NDManager owner, List<VitBackbone> backbones) {
        this.config = config;
        this.owner = owner;
        this.backbones = backbones;
    }

    /** Fails on a missing, unexpected or mis-shaped tensor, naming it. Weights live in a sub-manager of {@code manager}. */
    public static DreamSim load(Path dir, NDManager manager) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(dir.resolve("config.json"));
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("dreamsim weights: expected a file at " + file + ", found none");
        NDManager owner = manager.newSubManager();
        try {
            Weights weights = new Weights(SafeTensors.load(file, owner), "dreamsim weights '" + file + "'");
            Params params = Params.from(weights);
            List<VitBackbone> list = new ArrayList<>();
            for (Backbone b : config.backbones()) list.add(new VitBackbone(b, config, params, owner));
            weights.requireAllTaken();
            params.taken().forEach((name, t) -> {
                if (t.hasGradient()) throw new IllegalArgumentException("dreamsim weight '" + name + "' requires a gradient; DreamSim is inference only");
            });
            return new DreamSim(config, owner, List.copyOf(list));
        } catch (RuntimeException | IOException e) {
            owner.close();
            throw e;
        }
    }

    public DreamSimConfig config() {
        return config;
    }

    /** pixels: [B, 3, S, S] in [0, 1] at the model's size S → features and embedding, in pixels' manager. */
    public Embedding embedAll(NDArray pixels) {
        Shape expected = new Shape(pixels.getShape().get(0), 3, config.imageSize(), config.imageSize());
        if (pixels.getShape().dimension() != 4 || !pixels.getShape().equals(expected)) {
            throw new IllegalArgumentException("dreamsim: expected pixels [B, 3, " + config.imageSize() + ", " + config.imageSize()
                    + "] in [0, 1], found " + pixels.getShape() + " (resize with DreamSim.pixels)");
        }
        NDManager out = pixels.getManager();
        try (NDManager work = out.newSubManager()) {
            NDArray in = pixels.duplicate();                                  // [B, 3, S, S], so that intermediates land in work
            in.attach(work);
            List<NDArray> features = new ArrayList<>();
            for (VitBackbone b : backbones) features.add(b.forward(in));     // [B, D_i]
            NDArray embedding = NDArrays.concat(new NDList(features), 1);     // [B, ΣD_i]
            if (config.normalizeEmbeds()) embedding = normalise(embedding);
            for (NDArray f : features) f.attach(out);
            embedding.attach(out);
            return new Embedding(List.copyOf(features), embedding);
        }
    }

    /** pixels: [B, 3, S, S] in [0, 1] → embedding [B, ΣD_i]. */
    public NDArray embed(NDArray pixels) {
        Embedding e = embedAll(pixels);
        e.features().forEach(NDArray::close);
        return e.embedding();
    }

    /** a, b: [B, 3, S, S] in [0, 1] → 1 − cos of their embeddings, [B]. */
    public NDArray distance(NDArray a, NDArray b) {
        try (NDManager work = a.getManager().newSubManager()) {
            NDArray ea = embed(a), eb = embed(b);                              // [B, E]
            ea.attach(work);
            eb.attach(work);
            NDArray cos = ea.mul(eb).sum(new int[] {1})
                    .div(ea.norm(new int[] {1}).mul(eb.norm(new int[] {1})));  // [B]
            NDArray d = Ops.constant(cos, 1).sub(cos);                         // first operand is a kept constant: move the result
            d.attach(a.getManager());
            return d;
        }
    }

    /** Distance of each image to the query, each resized to the model's size as DreamSim does (bicubic). */
    public double[] distances(BufferedImage query, List<BufferedImage> images) {
        double[] out = new double[images.size()];
        try (NDManager work = owner.newSubManager()) {
            float[] q = embed(pixels(work, List.of(query))).toFloatArray();   // [E]
            for (int i = 0; i < images.size(); i++) {
                try (NDManager step = work.newSubManager()) {
                    NDArray e = embed(pixels(step, List.of(images.get(i))));    // [1, E]
                    out[i] = 1 - cosine(q, e.toFloatArray());
                }
            }
        }
        return out;
    }

    /** images of any size → [B, 3, S, S] in [0, 1], resized with PIL-style bicubic as DreamSim's preprocessing. */
    public NDArray pixels(NDManager manager, List<BufferedImage> images) {
        int s = config.imageSize();
        float[] data = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            float[] one = BicubicResize.toPixels(images.get(i), s, s);         // [3, S, S]
            System.arraycopy(one, 0, data, i * one.length, one.length);
        }
        return manager.create(data, new Shape(images.size(), 3, s, s));
    }

    /** Mean-centre each row, then divide by its L2 norm (DreamSim's normalize_embedding). x: [B, E]. */
    private static NDArray normalise(NDArray x) {
        NDArray centred = x.sub(x.mean(new int[] {1}, true));                 // [B, E]
        return centred.div(centred.norm(new int[] {1}, true));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Override
    public void close() {
        owner.close();
    }
}
