package dev.originality.measure.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.models.blocks.Conv2d;
import dev.originality.diffusion.models.blocks.LayerNorm;
import dev.originality.diffusion.models.blocks.Params;

import java.util.ArrayList;
import java.util.List;

/**
 * The ViT image trunk that DINO, CLIP and OpenCLIP share: patch convolution, class token, learned
 * positions, an optional LayerNorm before the blocks (CLIP's {@code ln_pre}), the blocks, and the
 * final norm applied to the class token. Frozen weights, inference only; callers normalise pixels
 * and add any projection. Two loaders, one per naming scheme.
 */
public record VisionTransformer(VitShape shape, Conv2d patchEmbed /* [C, 3, p, p] */, NDArray clsToken /* [1, 1, C] */,
                                NDArray posEmbed /* [1, T, C] */, LayerNorm lnPre /* null for DINO */, List<VitBlock> blocks,
                                LayerNorm norm) {
    public VisionTransformer {
        blocks = List.copyOf(blocks);
    }

    /** timm / DINO names under p (DreamSim's {@code extractor_list.<i>.model}); lnPre names CLIP's pre-norm, or null. */
    public static VisionTransformer timm(Params p, VitShape s, String lnPre) {
        long dim = s.width();
        List<VitBlock> blocks = new ArrayList<>();
        Conv2d patch = Conv2d.load(p.at("patch_embed.proj"), 3, dim, s.patchSize(), s.patchSize(), 0);
        NDArray cls = p.take("cls_token", 1, 1, dim);
        NDArray pos = p.take("pos_embed", 1, s.tokens(), dim);
        LayerNorm pre = lnPre == null ? null : LayerNorm.load(p.at(lnPre), dim, s.layerNormEps());
        for (int i = 0; i < s.depth(); i++) blocks.add(VitBlock.timm(p.at("blocks", i), s));
        // the final norm is in every checkpoint, even where the feature is taken before it
        return new VisionTransformer(s, patch, cls, pos, pre, blocks, LayerNorm.load(p.at("norm"), dim, s.layerNormEps()));
    }

    /** transformers' CLIPVisionTransformer names under p ({@code vision_model}); its patch convolution has no bias. */
    public static VisionTransformer clip(Params p, VitShape s) {
        long dim = s.width();
        Params emb = p.at("embeddings");
        NDArray kernel = emb.take("patch_embedding.weight", dim, 3, s.patchSize(), s.patchSize());     // [C, 3, p, p]
        Conv2d patch = new Conv2d(kernel, kernel.getManager().zeros(new Shape(dim)), s.patchSize(), 0);
        NDArray cls = emb.take("class_embedding", dim).reshape(1, 1, dim);                            // [1, 1, C]
        NDArray pos = emb.take("position_embedding.weight", s.tokens(), dim).reshape(1, s.tokens(), dim); // [1, T, C]
        LayerNorm pre = LayerNorm.load(p.at("pre_layrnorm"), dim, s.layerNormEps());                 // sic: transformers' name
        List<VitBlock> blocks = new ArrayList<>();
        for (int i = 0; i < s.depth(); i++) blocks.add(VitBlock.clip(p.at("encoder.layers", i), s));
        return new VisionTransformer(s, patch, cls, pos, pre, blocks, LayerNorm.load(p.at("post_layernorm"), dim, s.layerNormEps()));
    }

    /** x: normalised pixels [B, 3, S, S] → the tokens after block {@code lastBlock} (0-based, inclusive), [B, T, C]. */
    public NDArray hidden(NDArray x, int lastBlock) {
        Shape expected = new Shape(x.getShape().get(0), 3, shape.imageSize(), shape.imageSize());
        if (!x.getShape().equals(expected)) throw new IllegalArgumentException("vit: expected pixels " + expected + ", found " + x.getShape());
        if (lastBlock < 0 || lastBlock >= blocks.size()) {
            throw new IllegalArgumentException("vit: block index must be in 0.." + (blocks.size() - 1) + ", found " + lastBlock);
        }
        long batch = x.getShape().get(0), dim = shape.width();
        NDArray patches = patchEmbed.forward(x);                                     // [B, C, S/p, S/p]
        patches = patches.reshape(batch, dim, -1).transpose(0, 2, 1);               // [B, N, C]
        NDArray cls = x.getManager().zeros(new Shape(batch, 1, dim)).add(clsToken);  // [B, 1, C], in the caller's manager
        NDArray tokens = NDArrays.concat(new NDList(cls, patches), 1).add(posEmbed); // [B, T, C]
        if (lnPre != null) tokens = lnPre.forward(tokens);
        for (int i = 0; i <= lastBlock; i++) tokens = blocks.get(i).forward(tokens);
        return tokens;
    }

    /** hidden: [B, T, C] from the last block → the final-normed class token [B, C]. */
    public NDArray pooled(NDArray hidden) {
        return norm.forward(hidden.get(":, 0, :"));
    }
}
