package dev.originality.measure.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.originality.diffusion.models.blocks.LayerNorm;
import dev.originality.diffusion.models.blocks.Linear;
import dev.originality.diffusion.models.blocks.Params;
import dev.originality.diffusion.nn.Ops;

/**
 * A pre-norm ViT block: x + proj(attn(qkv(norm1(x)))), then x + fc2(act(fc1(norm2(x)))). The
 * attention projection is held fused ([q; k; v], timm's layout); transformers' separate q/k/v
 * projections are concatenated into it when loaded, which computes the same thing.
 */
public record VitBlock(LayerNorm norm1, Linear qkv /* [3C, C] */, Linear proj /* [C, C] */, LayerNorm norm2,
                       Linear fc1 /* [H, C] */, Linear fc2 /* [C, H] */, int heads, boolean quickGelu) {

    /** timm / DINO names under p ({@code …blocks.<i>}): norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2. */
    public static VitBlock timm(Params p, VitShape s) {
        long dim = s.width(), hidden = s.mlpHidden();
        return new VitBlock(
                LayerNorm.load(p.at("norm1"), dim, s.layerNormEps()),
                Linear.load(p.at("attn.qkv"), dim, 3 * dim, true),
                Linear.load(p.at("attn.proj"), dim, dim, true),
                LayerNorm.load(p.at("norm2"), dim, s.layerNormEps()),
                Linear.load(p.at("mlp.fc1"), dim, hidden, true),
                Linear.load(p.at("mlp.fc2"), hidden, dim, true),
                s.heads(), s.quickGelu());
    }

    /** transformers' CLIPEncoderLayer names under p ({@code …encoder.layers.<i>}). */
    public static VitBlock clip(Params p, VitShape s) {
        long dim = s.width(), hidden = s.mlpHidden();
        Linear q = Linear.load(p.at("self_attn.q_proj"), dim, dim, true);
        Linear k = Linear.load(p.at("self_attn.k_proj"), dim, dim, true);
        Linear v = Linear.load(p.at("self_attn.v_proj"), dim, dim, true);
        Linear qkv = new Linear(NDArrays.concat(new NDList(q.weight(), k.weight(), v.weight()), 0),   // [3C, C]
                NDArrays.concat(new NDList(q.bias(), k.bias(), v.bias()), 0));                     // [3C]
        return new VitBlock(
                LayerNorm.load(p.at("layer_norm1"), dim, s.layerNormEps()),
                qkv,
                Linear.load(p.at("self_attn.out_proj"), dim, dim, true),
                LayerNorm.load(p.at("layer_norm2"), dim, s.layerNormEps()),
                Linear.load(p.at("mlp.fc1"), dim, hidden, true),
                Linear.load(p.at("mlp.fc2"), hidden, dim, true),
                s.heads(), s.quickGelu());
    }

    /** x: [B, T, C] → [B, T, C]. */
    public NDArray forward(NDArray x) {
        NDList qkvParts = qkv.forward(norm1.forward(x)).split(3, 2);            // 3 × [B, T, C]: q, k, v
        NDArray attended = Ops.attention(qkvParts.get(0), qkvParts.get(1), qkvParts.get(2), heads, null); // [B, T, C]
        x = x.add(proj.forward(attended));
        NDArray h = fc1.forward(norm2.forward(x));                             // [B, T, H]
        h = quickGelu ? Ops.quickGelu(h) : Ops.gelu(h);
        return x.add(fc2.forward(h));
    }
}
