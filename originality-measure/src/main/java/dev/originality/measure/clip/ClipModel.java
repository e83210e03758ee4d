package dev.originality.measure.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.models.text.ClipTextModel;
import dev.originality.diffusion.nn.Weights;
import dev.originality.measure.vit.VisionTransformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * transformers' {@code CLIPModel} (4.44 semantics), inference only: the text tower is our SD text
 * encoder ({@link ClipTextModel}), the vision tower the shared ViT trunk ({@link
 * VisionTransformer}, transformers' names); each pooled output goes through its bias-free
 * projection and is L2-normalised; logits = exp(logit_scale) · cos. Used for the paper's
 * editability check (zero-shot: does an edited image show what its prompt asks?).
 */
public final class ClipModel implements AutoCloseable {
    private final ClipConfig config;
    private final NDManager owner;
    private final ClipTextModel text;
    private final VisionTransformer vision;
    private final NDArray textProjection;    // [P, C_text]
    private final NDArray visualProjection;  // [P, C_vision]
    private final float logitScale;          // exp(logit_scale)

    /** The vision tower's outputs. */
    public record VisionOutput(NDArray lastHiddenState /* [B, T, C] */, NDArray pooled /* [B, C] */, NDArray embeds /* [B, P], unit rows */) {}

    /** The text tower's outputs. */
    public record TextOutput(NDArray pooled /* [B, C] */, NDArray embeds /* [B, P], unit rows */) {}

    private ClipModel(ClipConfig config, NDManager owner, ClipTextModel text, VisionTransformer vision, NDArray textProjection,
                      NDArray visualProjection, float logitScale) {
        this.config = config;
        this.owner = owner;
        this.text = text;
        this.vision = vision;
        this.textProjection = textProjection;
        this.visualProjection = visualProjection;
        this.logitScale = logitScale;
    }

    /** {@code config.json} + {@code model.safetensors}; fails on a missing, unexpected or mis-shaped tensor, naming it. */
    public static ClipModel load(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("clip model: expected a transformers CLIPModel folder at " + dir + ", found none");
        ClipConfig config = ClipConfig.read(dir.resolve("config.json"));
        Path file = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("clip model: expected weights at " + file + ", found none");
        NDManager owner = manager.newSubManager();
        try {
            Weights w = new Weights(SafeTensors.load(file, owner), "clip weights '" + file + "'");
            ClipTextModel text = new ClipTextModel(config.text(), w);
            Params p = Params.from(w);
            VisionTransformer vision = VisionTransformer.clip(p.at("vision_model"), config.vision());
            long tokens = config.vision().tokens();
            // older checkpoints store the position_ids buffer (arange); positions are always 0..T-1 here
            if (w.has("vision_model.embeddings.position_ids")) w.take("vision_model.embeddings.position_ids", 1, tokens);
            NDArray textProjection = w.take("text_projection.weight", config.projectionDim(), config.text().hiddenSize());
            NDArray visualProjection = w.take("visual_projection.weight", config.projectionDim(), config.vision().width());
            float scale = (float) Math.exp(w.take("logit_scale").getFloat());
            w.requireAllTaken();
            return new ClipModel(config, owner, text, vision, textProjection, visualProjection, scale);
        } catch (RuntimeException | IOException e) {
            owner.close();
            throw e;
        }
    }

    public ClipConfig config() {
        return config;
    }

    /** exp(logit_scale): the temperature of the logits (100 for the released models). */
    public float logitScale() {
        return logitScale;
    }

    /** pixelValues: [B, 3, S, S], already normalised ({@link ClipPreprocess}) → the tower's outputs, in pixelValues' manager. */
    public VisionOutput vision(NDArray pixelValues) {
        NDArray hidden = vision.hidden(pixelValues, config.vision().depth() - 1);     // [B, T, C]
        NDArray pooled = vision.pooled(hidden);                                       // [B, C]
        return new VisionOutput(hidden, pooled, unit(pooled.matMul(visualProjection.transpose())));
    }

    /** inputIds: [B, L] int64 → the text tower's pooled output and embeds, in inputIds' manager. */
    public TextOutput text(NDArray inputIds) {
        NDArray pooled = text.forward(inputIds).pooled();                            // [B, C]
        return new TextOutput(pooled, unit(pooled.matMul(textProjection.transpose())));
    }

    /** image embeds [I, P], text embeds [T, P] (unit rows) → logits_per_image [I, T]. */
    public NDArray logitsPerImage(NDArray imageEmbeds, NDArray textEmbeds) {
        return imageEmbeds.matMul(textEmbeds.transpose()).mul(logitScale);
    }

    private static NDArray unit(NDArray x) {
        return x.div(x.norm(new int[] {1}, true));                                    // [B, P]
    }

    @Override
    public void close() {
        owner.close();
    }
}
