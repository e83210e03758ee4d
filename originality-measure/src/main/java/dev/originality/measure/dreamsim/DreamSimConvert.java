package dev.originality.measure.dreamsim;

import dev.originality.diffusion.io.Dtype;
import dev.originality.diffusion.io.RawTensor;
import dev.originality.diffusion.io.SafeTensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Turns DreamSim's released "ensemble" checkpoints into a DreamSim weights folder ({@code
 * config.json} + {@code model.safetensors}, float32, LoRA merged into {@code qkv}) that {@link
 * DreamSim#load} reads. Checkpoints are read with {@link TorchCheckpoint}, which rebuilds tensors
 * and refuses anything else: no pickle code runs. Every source tensor must map to a tensor of the
 * model (except DINO's unused projection head) and every model tensor must be found, or nothing
 * is written.
 */
public final class DreamSimConvert {
    /** Tensors of DINO's full training checkpoint that the cls feature never uses (the projection head). */
    private static final String DINO_HEAD = "head.";

    /**
     * The released files, one per backbone in the config's order, and the LoRA adapter folder.
     *
     * @param backbones for the ensemble: DINO ViT-B/16 (torch.hub's {@code dino_vitbase16_pretrain.pth}
     *                  or DINO's full checkpoint, whose {@code teacher} backbone is used), then
     *                  {@code clip_vitb16_pretrain.pth.tar} and {@code open_clip_vitb16_pretrain.pth.tar}
     * @param lora      the PEFT adapter folder ({@code ensemble_lora/})
     */
    public record Sources(List<Path> backbones, Path lora) {
        public Sources {
            if (backbones == null || backbones.isEmpty() || backbones.stream().anyMatch(java.util.Objects::isNull) || lora == null) {
                throw new IllegalArgumentException("dreamsim convert: expected one checkpoint per backbone and a LoRA folder");
            }
            backbones = List.copyOf(backbones);
        }

        /**
         * The files where DreamSim's own loader finds them: its {@code cache_dir} (default
         * {@code ./models}) after unzipping {@code dreamsim_ensemble_checkpoint.zip}; the DINO backbone
         * is torch.hub's download ({@code checkpoints/dino_vitbase16_pretrain.pth}) when present, else
         * the zip's {@code dino_vitb16_pretrain.pth}.
         */
        public static Sources inCacheDir(Path dir) {
            Path hub = dir.resolve("checkpoints/dino_vitbase16_pretrain.pth");
            Path dino = Files.isRegularFile(hub) ? hub : dir.resolve("dino_vitb16_pretrain.pth");
            return new Sources(List.of(dino, dir.resolve("clip_vitb16_pretrain.pth.tar"), dir.resolve("open_clip_vitb16_pretrain.pth.tar")),
                    dir.resolve("ensemble_lora"));
        }
    }

    /** What was written: tensor count, LoRA modules merged and their scale. */
    public record Result(Path folder, int tensors, int loraModules, double loraScale) {}

    private DreamSimConvert() {}

    /** Converts into {@code out}, which must not exist; it appears complete or not at all. */
    public static Result convert(Sources sources, DreamSimConfig config, Path out) throws IOException {
        if (Files.exists(out)) throw new IllegalArgumentException("dreamsim convert: output '" + out + "' already exists; nothing was written");
        if (sources.backbones().size() != config.backbones().size()) {
            throw new IllegalArgumentException("dreamsim convert: expected " + config.backbones().size() + " checkpoints (one per backbone), found "
                    + sources.backbones().size());
        }
        LoraAdapter lora = LoraAdapter.read(sources.lora());
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < config.backbones().size(); i++) {
            tensors.putAll(backbone(config, config.backbones().get(i), sources.backbones().get(i)));
        }
        int merged = merge(tensors, lora);
        write(out, config, tensors, sources, lora);
        return new Result(out, tensors.size(), merged, lora.scale());
    }

    /** One checkpoint's tensors, renamed into DreamSim's names and checked against the model's names and shapes. */
    private static Map<String, RawTensor> backbone(DreamSimConfig config, Backbone b, Path file) throws IOException {
        Map<String, long[]> expected = DreamSimTensors.ofBackbone(config, b);
        Map<String, RawTensor> out = new LinkedHashMap<>();
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file)) {
            for (Map.Entry<String, TorchTensor> e : stateDict(ckpt).entrySet()) {
                String key = e.getKey();
                String name = key.equals("proj") ? b.prefix() + ".proj" : b.prefix() + ".model." + key;
                long[] shape = expected.get(name);
                if (shape == null) {
                    throw new IllegalArgumentException(ckpt.where() + ": unexpected tensor '" + key + "' for backbone " + b.name()
                            + " (it would be '" + name + "', which the model does not have)");
                }
                if (!Arrays.equals(shape, e.getValue().shape())) {
                    throw new IllegalArgumentException(ckpt.where() + ": tensor '" + key + "' has shape " + Arrays.toString(e.getValue().shape())
                            + ", expected " + Arrays.toString(shape));
                }
                out.put(name, float32(e.getValue()));
            }
            Set<String> missing = new TreeSet<>(expected.keySet());
            missing.removeAll(out.keySet());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(ckpt.where() + ": missing tensor" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing.stream().limit(6).toList()) + (missing.size() > 6 ? ", … (" + missing.size() + ")" : "")
                        + " for backbone " + b.name());
            }
        }
        return out;
    }

    /**
     * The backbone's state dict: DINO's full checkpoint keeps it as {@code teacher} with a
     * {@code backbone.} prefix (and an unused {@code head.}); DreamSim's CLIP files under
     * {@code state_dict}; torch.hub's DINO file is the state dict itself.
     */
    private static Map<String, TorchTensor> stateDict(TorchCheckpoint ckpt) {
        if (!ckpt.has("teacher")) return ckpt.has("state_dict") ? ckpt.tensors("state_dict") : ckpt.tensors();
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        ckpt.tensors("teacher").forEach((k, v) -> {
            String key = k.startsWith("module.") ? k.substring("module.".length()) : k;
            if (key.startsWith("backbone.")) out.put(key.substring("backbone.".length()), v);
            else if (!key.startsWith(DINO_HEAD)) out.put(key, v);
        });
        return out;
    }

    /** W + scale·B·A into each LoRA module's weight; every LoRA module must name a 2-D weight we have. */
    private static int merge(Map<String, RawTensor> tensors, LoraAdapter lora) {
        for (String module : lora.pairs().keySet()) {
            String name = module + ".weight";
            RawTensor w = tensors.get(name);
            if (w == null || w.shape().length != 2) {
                throw new IllegalArgumentException(lora.where() + ": LoRA targets '" + name + "', which the converted model "
                        + (w == null ? "does not have" : "has with shape " + Arrays.toString(w.shape()) + ", not a matrix"));
            }
            float[] values = TorchTensor.floats(w, name);
            lora.mergeInto(module, values, w.shape());
            tensors.put(name, float32(values, w.shape()));
        }
        return lora.pairs().size();
    }

    private static void write(Path out, DreamSimConfig config, Map<String, RawTensor> tensors, Sources sources, LoraAdapter lora)
            throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + out.getFileName() + ".staging-" + UUID.randomUUID());
        try {
            Files.createDirectory(staging);
            config.write(staging.resolve("config.json"));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("converted_from", String.join(", ", sources.backbones().stream().map(p -> p.getFileName().toString()).toList())
                    + ", " + sources.lora().getFileName());
            meta.put("lora", "r=" + lora.rank() + " alpha=" + lora.alpha() + (lora.rsLora() ? " rslora" : "") + " merged");
            SafeTensors.saveRaw(staging.resolve("model.safetensors"), tensors, meta);
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) {
                try (Stream<Path> walk = Files.walk(staging)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
                }
            }
        }
    }

    private static RawTensor float32(TorchTensor t) {
        RawTensor raw = t.toRaw();
        return raw.dtype() == Dtype.F32 ? raw : float32(TorchTensor.floats(raw, "tensor"), raw.shape());
    }

    private static RawTensor float32(float[] values, long[] shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return new RawTensor(Dtype.F32, shape, b.flip());
    }
}
