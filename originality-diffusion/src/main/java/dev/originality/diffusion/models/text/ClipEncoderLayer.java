package dev.originality.diffusion.models.text;

import ai.djl.ndarray.NDArray;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pre-LayerNorm transformer block of the CLIP text encoder ({@code CLIPEncoderLayer}):
 * x + attn(ln1(x)), then x + mlp(ln2(x)). Weight tensors are frozen (never require gradients).
 */
record ClipEncoderLayer(
        ClipTextConfig config,
        NDArray ln1Weight, NDArray ln1Bias,      // [C]
        NDArray qWeight, NDArray qBias,          // [C, C], [C]
        NDArray kWeight, NDArray kBias,          // [C, C], [C]
        NDArray vWeight, NDArray vBias,          // [C, C], [C]
        NDArray outWeight, NDArray outBias,      // [C, C], [C]
        NDArray ln2Weight, NDArray ln2Bias,      // [C]
        NDArray fc1Weight, NDArray fc1Bias,      // [I, C], [I]
        NDArray fc2Weight, NDArray fc2Bias) {    // [C, I], [C]

    /** Takes the block's tensors from {@code w}, a view at {@code text_model.encoder.layers.{i}}. */
    static ClipEncoderLayer load(Weights w, ClipTextConfig config) {
        long c = config.hiddenSize(), i = config.intermediateSize();
        Weights attn = w.at("self_attn"), mlp = w.at("mlp");
        return new ClipEncoderLayer(config,
                w.take("layer_norm1.weight", c), w.take("layer_norm1.bias", c),
                attn.take("q_proj.weight", c, c), attn.take("q_proj.bias", c),
                attn.take("k_proj.weight", c, c), attn.take("k_proj.bias", c),
                attn.take("v_proj.weight", c, c), attn.take("v_proj.bias", c),
                attn.take("out_proj.weight", c, c), attn.take("out_proj.bias", c),
                w.take("layer_norm2.weight", c), w.take("layer_norm2.bias", c),
                mlp.take("fc1.weight", i, c), mlp.take("fc1.bias", i),
                mlp.take("fc2.weight", c, i), mlp.take("fc2.bias", c));
    }

    /** x: [B, L, C], causalMask: additive [1, 1, L, L] → [B, L, C]. */
    NDArray forward(NDArray x, NDArray causalMask) {
        NDArray h = Ops.layerNorm(x, ln1Weight, ln1Bias, config.layerNormEps());
        NDArray q = Ops.linear(h, qWeight, qBias), k = Ops.linear(h, kWeight, kBias), v = Ops.linear(h, vWeight, vBias);
        NDArray attended = Ops.attention(q, k, v, config.numAttentionHeads(), causalMask);   // scales q by 1/√d, as CLIP
        x = x.add(Ops.linear(attended, outWeight, outBias));

        h = Ops.layerNorm(x, ln2Weight, ln2Bias, config.layerNormEps());
        h = activation(Ops.linear(h, fc1Weight, fc1Bias));                                   // [B, L, I]
        return x.add(Ops.linear(h, fc2Weight, fc2Bias));
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case QUICK_GELU -> Ops.quickGelu(x);
            case GELU -> Ops.gelu(x);
        };
    }

    /** The block's tensors under their transformers names relative to the layer. */
    Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("layer_norm1.weight", ln1Weight);
        p.put("layer_norm1.bias", ln1Bias);
        p.put("self_attn.q_proj.weight", qWeight);
        p.put("self_attn.q_proj.bias", qBias);
        p.put("self_attn.k_proj.weight", kWeight);
        p.put("self_attn.k_proj.bias", kBias);
        p.put("self_attn.v_proj.weight", vWeight);
        p.put("self_attn.v_proj.bias", vBias);
        p.put("self_attn.out_proj.weight", outWeight);
        p.put("self_attn.out_proj.bias", outBias);
        p.put("layer_norm2.weight", ln2Weight);
        p.put("layer_norm2.bias", ln2Bias);
        p.put("mlp.fc1.weight", fc1Weight);
        p.put("mlp.fc1.bias", fc1Bias);
        p.put("mlp.fc2.weight", fc2Weight);
        p.put("mlp.fc2.bias", fc2Bias);
        return p;
    }
}
