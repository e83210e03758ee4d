package dev.originality.measure.dreamsim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes a DreamSim weights folder holds for a config — DreamSim's own names
 * ({@code extractor_list.<i>.model.…} as DINO's VisionTransformer names them, {@code
 * extractor_list.<i>.proj}); what {@link VitBackbone} takes (through {@link dev.originality.measure.vit.VisionTransformer#timm}) and {@link DreamSimConvert} must write.
 */
final class DreamSimTensors {
    private DreamSimTensors() {}

    /** Full name → shape, backbone by backbone. */
    static Map<String, long[]> expected(DreamSimConfig c) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Backbone b : c.backbones()) out.putAll(ofBackbone(c, b));
        return out;
    }

    /** One backbone's tensors under its prefix. */
    static Map<String, long[]> ofBackbone(DreamSimConfig c, Backbone b) {
        long dim = c.embedDim(), hidden = dim * c.mlpRatio(), side = c.imageSize() / c.patchSize();
        Map<String, long[]> t = new LinkedHashMap<>();
        String m = b.prefix() + ".model.";
        t.put(m + "cls_token", new long[] {1, 1, dim});
        t.put(m + "pos_embed", new long[] {1, 1 + side * side, dim});
        t.put(m + "patch_embed.proj.weight", new long[] {dim, 3, c.patchSize(), c.patchSize()});
        t.put(m + "patch_embed.proj.bias", new long[] {dim});
        if (b.lnPre() != null) {
            t.put(m + b.lnPre() + ".weight", new long[] {dim});
            t.put(m + b.lnPre() + ".bias", new long[] {dim});
        }
        for (int i = 0; i < c.depth(); i++) {
            String k = m + "blocks." + i + ".";
            t.put(k + "norm1.weight", new long[] {dim});
            t.put(k + "norm1.bias", new long[] {dim});
            t.put(k + "attn.qkv.weight", new long[] {3 * dim, dim});
            t.put(k + "attn.qkv.bias", new long[] {3 * dim});
            t.put(k + "attn.proj.weight", new long[] {dim, dim});
            t.put(k + "attn.proj.bias", new long[] {dim});
            t.put(k + "norm2.weight", new long[] {dim});
            t.put(k + "norm2.bias", new long[] {dim});
            t.put(k + "mlp.fc1.weight", new long[] {hidden, dim});
            t.put(k + "mlp.fc1.bias", new long[] {hidden});
            t.put(k + "mlp.fc2.weight", new long[] {dim, hidden});
            t.put(k + "mlp.fc2.bias", new long[] {dim});
        }
        t.put(m + "norm.weight", new long[] {dim});
        t.put(m + "norm.bias", new long[] {dim});
        if (b.feature() == Backbone.Feature.EMBEDDING) t.put(b.prefix() + ".proj", new long[] {dim, c.projDim()});
        return t;
    }
}
