package dev.originality.measure.dreamsim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.originality.diffusion.io.RawTensor;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.io.SafeTensorsFile;
import dev.originality.diffusion.models.blocks.ConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A PEFT LoRA adapter folder as DreamSim releases it ({@code ensemble_lora/}: {@code
 * adapter_config.json} and {@code adapter_model.safetensors} or {@code adapter_model.bin}). PEFT
 * names each pair {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code …lora_B.weight}
 * [out, r]; merging adds scale · B·A to {@code <module>.weight} [out, in], scale = lora_alpha / r
 * (lora_alpha / √r with use_rslora), as PEFT's merge does.
 *
 * @param pairs module name (e.g. {@code extractor_list.0.model.blocks.0.attn.qkv}) → its A and B
 */
record LoraAdapter(int rank, double alpha, boolean rsLora, Map<String, Pair> pairs, String where) {

    /** One module's factors: a [r, in] and b [out, r], row-major. */
    record Pair(float[] a, long[] aShape, float[] b, long[] bShape) {}

    double scale() {
        return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    static LoraAdapter read(Path dir) throws IOException {
        String where = "lora adapter '" + dir + "'";
        Path configFile = dir.resolve("adapter_config.json");
        if (!Files.isRegularFile(configFile)) throw new IllegalArgumentException(where + ": expected adapter_config.json, found none");
        ConfigJson c = ConfigJson.read(configFile);
        int rank = c.integer("r", 0);
        double alpha = c.number("lora_alpha", Double.NaN);
        if (rank <= 0 || !(alpha > 0)) throw new IllegalArgumentException(where + ": expected r > 0 and lora_alpha > 0, found r=" + rank + ", lora_alpha=" + alpha);
        c.requireOff("use_dora", false);
        c.requireOff("fan_in_fan_out", false);
        c.requireOff("bias", "none");
        JsonNode root = ConfigJson.JSON.readTree(Files.readString(configFile));
        for (String pattern : new String[] {"rank_pattern", "alpha_pattern"}) {
            JsonNode p = root.get(pattern);
            if (p != null && !p.isNull() && p.size() > 0) {
                throw new IllegalArgumentException(where + ": per-module '" + pattern + "' is not supported (expected none, found " + p + ")");
            }
        }
        Map<String, RawTensor> tensors = weights(dir, where);
        return new LoraAdapter(rank, alpha, c.bool("use_rslora", false), pairs(tensors, rank, where), where);
    }

    private static Map<String, RawTensor> weights(Path dir, String where) throws IOException {
        Path st = dir.resolve("adapter_model.safetensors"), bin = dir.resolve("adapter_model.bin");
        Map<String, RawTensor> out = new LinkedHashMap<>();
        if (Files.isRegularFile(st)) {
            SafeTensorsFile f = SafeTensors.read(st);
            for (String name : f.tensors().keySet()) out.put(name, f.raw(name));
        } else if (Files.isRegularFile(bin)) {
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(bin)) {
                ckpt.tensors().forEach((name, t) -> out.put(name, t.toRaw()));
            }
        } else {
            throw new IllegalArgumentException(where + ": expected adapter_model.safetensors or adapter_model.bin, found neither");
        }
        return out;
    }

    private static Map<String, Pair> pairs(Map<String, RawTensor> tensors, int rank, String where) {
        Map<String, RawTensor> a = new TreeMap<>(), b = new TreeMap<>();
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            // PEFT drops the adapter name ("default") when saving; older files may keep it
            String name = e.getKey().replace(".default.weight", ".weight");
            if (name.startsWith("base_model.model.")) name = name.substring("base_model.model.".length());
            if (name.endsWith(".lora_A.weight")) a.put(name.substring(0, name.length() - ".lora_A.weight".length()), e.getValue());
            else if (name.endsWith(".lora_B.weight")) b.put(name.substring(0, name.length() - ".lora_B.weight".length()), e.getValue());
            else throw new IllegalArgumentException(where + ": unexpected tensor '" + e.getKey() + "' (expected only <module>.lora_A.weight / lora_B.weight)");
        }
        if (!a.keySet().equals(b.keySet())) {
            Map<String, RawTensor> lonely = new TreeMap<>(a);
            lonely.keySet().removeAll(b.keySet());
            String example = !lonely.isEmpty() ? lonely.keySet().iterator().next() + ".lora_B.weight"
                    : b.keySet().stream().filter(k -> !a.containsKey(k)).findFirst().orElseThrow() + ".lora_A.weight";
            throw new IllegalArgumentException(where + ": missing tensor '" + example + "' (every LoRA module needs lora_A and lora_B)");
        }
        if (a.isEmpty()) throw new IllegalArgumentException(where + ": expected LoRA tensors, found none");
        Map<String, Pair> out = new LinkedHashMap<>();
        for (String module : a.keySet()) {
            RawTensor ta = a.get(module), tb = b.get(module);
            long[] sa = ta.shape(), sb = tb.shape();
            if (sa.length != 2 || sb.length != 2 || sa[0] != rank || sb[1] != rank) {
                throw new IllegalArgumentException(where + ": LoRA factors of '" + module + "' have shapes " + java.util.Arrays.toString(sa)
                        + " and " + java.util.Arrays.toString(sb) + ", expected [" + rank + ", in] and [out, " + rank + "]");
            }
            out.put(module, new Pair(TorchTensor.floats(ta, module + ".lora_A.weight"), sa, TorchTensor.floats(tb, module + ".lora_B.weight"), sb));
        }
        return out;
    }

    /** w [out, in] row-major + scale · b [out, r] · a [r, in], in place. */
    void mergeInto(String module, float[] w, long[] wShape) {
        Pair p = pairs.get(module);
        int out = (int) wShape[0], in = (int) wShape[1], r = rank;
        if (p.bShape()[0] != out || p.aShape()[1] != in) {
            throw new IllegalArgumentException(where + ": LoRA of '" + module + "' is [" + p.bShape()[0] + ", " + p.aShape()[1]
                    + "], expected the weight's [" + out + ", " + in + "]");
        }
        double scale = scale();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int k = 0; k < r; k++) sum += (double) p.b()[o * r + k] * p.a()[k * in + i];
                w[o * in + i] += (float) (scale * sum);
            }
        }
    }
}
