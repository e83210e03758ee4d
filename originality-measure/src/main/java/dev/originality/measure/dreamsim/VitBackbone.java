package dev.originality.measure.dreamsim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.LayerNorm;
import dev.originality.diffusion.models.blocks.Params;

import java.util.ArrayList;
import java.util.List;

/**
 * One backbone of the ensemble, DINO's VisionTransformer as DreamSim loads it: patch embedding,
 * cls token, position embedding, (CLIP/OpenCLIP only) {@code ln_pre}, the blocks, the final norm
 * and (CLIP/OpenCLIP only) the projection. Frozen weights, inference only.
 */
final class VitBackbone {
    private final Backbone spec;
    private final DreamSimConfig config;
    private final NDArray mean;          // [1, 3, 1, 1]
    private final NDArray std;           // [1, 3, 1, 1]
    private final Conv2d patchEmbed;     // [C, 3, p, p] kernel, stride p
    private final NDArray clsToken;      // [1, 1, C]
    private final NDArray posEmbed;      // [1, 1 + (S/p)², C]
    private final LayerNorm lnPre;       // null for DINO
    private final List<VitBlock> blocks;
    private final LayerNorm norm;
    private final NDArray proj;          // [C, P]; null for a cls feature

    VitBackbone(Backbone spec, DreamSimConfig c, Params weights, NDManager manager) {
        this.spec = spec;
        this.config = c;
        long dim = c.embedDim(), tokens = 1 + (long) (c.imageSize() / c.patchSize()) * (c.imageSize() / c.patchSize());
        this.mean = channels(manager, spec.mean());
        this.std = channels(manager, spec.std());
        Params p = weights.at(spec.prefix());
        Params model = p.at("model");
        this.patchEmbed = Conv2d.load(model.at("patch_embed.proj"), 3, dim, c.patchSize(), c.patchSize(), 0);
        this.clsToken = model.take("cls_token", 1, 1, dim);
        this.posEmbed = model.take("pos_embed", 1, tokens, dim);
        this.lnPre = spec.lnPre() == null ? null : LayerNorm.load(model.at(spec.lnPre()), dim, spec.layerNormEps());
        List<VitBlock> list = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) list.add(VitBlock.load(model.at("blocks", i), c, spec));
        this.blocks = List.copyOf(list);
        // the final norm is in every checkpoint; the cls feature is taken before it
        this.norm = LayerNorm.load(model.at("norm"), dim, spec.layerNormEps());
        this.proj = spec.feature() == Backbone.Feature.EMBEDDING ? p.take("proj", dim, c.projDim()) : null;
    }

    Backbone spec() {
        return spec;
    }

    /** pixels: [B, 3, S, S] in [0, 1], S = image_size → the backbone's feature [B, D]. */
    NDArray forward(NDArray pixels) {
        long batch = pixels.getShape().get(0), dim = config.embedDim();
        NDArray x = pixels.sub(mean).div(std);                                       // [B, 3, S, S]
        NDArray patches = patchEmbed.forward(x);                                     // [B, C, S/p, S/p]
        patches = patches.reshape(batch, dim, -1).transpose(0, 2, 1);               // [B, N, C]
        NDArray cls = pixels.getManager().zeros(new Shape(batch, 1, dim)).add(clsToken); // [B, 1, C], in the caller's manager
        NDArray tokens = NDArrays.concat(new NDList(cls, patches), 1).add(posEmbed); // [B, 1 + N, C]
        if (lnPre != null) tokens = lnPre.forward(tokens);
        int last = spec.feature() == Backbone.Feature.CLS ? config.featureBlock() : blocks.size() - 1;
        for (int i = 0; i <= last; i++) tokens = blocks.get(i).forward(tokens);
        if (spec.feature() == Backbone.Feature.CLS) return tokens.get(":, 0, :");     // [B, C]
        return norm.forward(tokens.get(":, 0, :")).matMul(proj);                      // [B, P]
    }

    private static NDArray channels(NDManager manager, List<Double> v) {
        float[] f = {v.get(0).floatValue(), v.get(1).floatValue(), v.get(2).floatValue()};
        return manager.create(f, new Shape(1, 3, 1, 1));
    }
}
