package dev.originality.measure.dreamsim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.originality.diffusion.models.blocks.LayerNorm;
import dev.originality.diffusion.models.blocks.Linear;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;

/**
 * A pre-norm ViT block as DINO's {@code vision_transformer.Block} (DreamSim runs CLIP and OpenCLIP
 * through the same code): x + proj(attn(qkv(norm1(x)))), then x + fc2(act(fc1(norm2(x)))). The
 * fused {@code qkv} already holds the merged LoRA update.
 */
record VitBlock(LayerNorm norm1, Linear qkv, Linear proj, LayerNorm norm2, Linear fc1, Linear fc2,
                int heads, Backbone.Activation activation) {

    /** p: the block's tensors, {@code <prefix>.model.blocks.<i>}. */
    static VitBlock load(Params p, DreamSimConfig c, Backbone b) {
        long dim = c.embedDim(), hidden = (long) c.embedDim() * c.mlpRatio();
        return new VitBlock(
                LayerNorm.load(p.at("norm1"), dim, b.layerNormEps()),
                Linear.load(p.at("attn.qkv"), dim, 3 * dim, true),
                Linear.load(p.at("attn.proj"), dim, dim, true),
                LayerNorm.load(p.at("norm2"), dim, b.layerNormEps()),
                Linear.load(p.at("mlp.fc1"), dim, hidden, true),
                Linear.load(p.at("mlp.fc2"), hidden, dim, true),
                c.numHeads(), b.activation());
    }

    /** x: [B, T, C] → [B, T, C]. */
    NDArray forward(NDArray x) {
        NDList qkvParts = qkv.forward(norm1.forward(x)).split(3, 2);            // 3 × [B, T, C]: q, k, v (timm order)
        NDArray attended = Ops.attention(qkvParts.get(0), qkvParts.get(1), qkvParts.get(2), heads, null); // [B, T, C]
        x = x.add(proj.forward(attended));
        NDArray h = fc1.forward(norm2.forward(x));                             // [B, T, mlpRatio·C]
        h = activation == Backbone.Activation.QUICK_GELU ? Ops.quickGelu(h) : Ops.gelu(h);
        return x.add(fc2.forward(h));
    }
}
