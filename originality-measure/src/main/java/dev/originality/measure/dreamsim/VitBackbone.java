package dev.originality.measure.dreamsim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.measure.vit.VisionTransformer;
import dev.originality.measure.vit.VitShape;

import java.util.List;

/**
 * One backbone of the ensemble, DINO's VisionTransformer as DreamSim loads it: per-backbone pixel
 * normalisation, the shared ViT trunk ({@link VisionTransformer}, timm names) and, for CLIP and
 * OpenCLIP, the projection. Frozen weights, inference only.
 */
final class VitBackbone {
    private final Backbone spec;
    private final DreamSimConfig config;
    private final NDArray mean;          // [1, 3, 1, 1]
    private final NDArray std;           // [1, 3, 1, 1]
    private final VisionTransformer vit;
    private final NDArray proj;          // [C, P]; null for a cls feature

    VitBackbone(Backbone spec, DreamSimConfig c, Params weights, NDManager manager) {
        this.spec = spec;
        this.config = c;
        this.mean = channels(manager, spec.mean());
        this.std = channels(manager, spec.std());
        Params p = weights.at(spec.prefix());
        VitShape shape = new VitShape(c.imageSize(), c.patchSize(), c.embedDim(), c.depth(), c.numHeads(),
                c.embedDim() * c.mlpRatio(), spec.layerNormEps(), spec.activation() == Backbone.Activation.QUICK_GELU);
        this.vit = VisionTransformer.timm(p.at("model"), shape, spec.lnPre());
        this.proj = spec.feature() == Backbone.Feature.EMBEDDING ? p.take("proj", c.embedDim(), c.projDim()) : null;
    }

    Backbone spec() {
        return spec;
    }

    /** pixels: [B, 3, S, S] in [0, 1], S = image_size → the backbone's feature [B, D]. */
    NDArray forward(NDArray pixels) {
        NDArray x = pixels.sub(mean).div(std);                                       // [B, 3, S, S]
        if (spec.feature() == Backbone.Feature.CLS) {
            return vit.hidden(x, config.featureBlock()).get(":, 0, :");              // [B, C], before the final norm
        }
        return vit.pooled(vit.hidden(x, config.depth() - 1)).matMul(proj);          // [B, P]
    }

    private static NDArray channels(NDManager manager, List<Double> v) {
        float[] f = {v.get(0).floatValue(), v.get(1).floatValue(), v.get(2).floatValue()};
        return manager.create(f, new Shape(1, 3, 1, 1));
    }
}
