package dev.originality.measure.dreamsim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Release-shaped checkpoints made from the tiny fixture: the fixture's merged qkv weights minus a
 * random LoRA update (r 16, alpha 8) are the "pretrained" weights, so converting them with that
 * LoRA must give back the fixture model.
 */
class DreamSimConvertTest {
    static final Path MODEL = DreamSimTest.MODEL;
    static final int RANK = 16;
    static final double SCALE = 8.0 / RANK;

    @Test
    void mergesTheLoraBackIntoTheFixtureModel(@TempDir Path dir) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(MODEL.resolve("config.json"));
        Release release = writeRelease(dir, config, false);
        DreamSimConvert.Result r = DreamSimConvert.convert(release.sources, config, dir.resolve("out"));
        assertThat(r.tensors()).isEqualTo(DreamSimTensors.expected(config).size());
        assertThat(r.loraModules()).isEqualTo(3 * 12);
        assertThat(r.loraScale()).isEqualTo(SCALE);

        SafeTensorsFile fixture = SafeTensors.read(MODEL.resolve("model.safetensors"));
        SafeTensorsFile converted = SafeTensors.read(dir.resolve("out/model.safetensors"));
        assertThat(converted.tensors().keySet()).containsExactlyInAnyOrderElementsOf(fixture.tensors().keySet());
        double maxQkv = 0;
        for (String name : fixture.tensors().keySet()) {
            float[] want = floats(fixture, name), got = floats(converted, name);
            assertThat(converted.info(name).shape()).containsExactly(fixture.info(name).shape());
            if (name.endsWith("attn.qkv.weight")) {
                for (int i = 0; i < want.length; i++) maxQkv = Math.max(maxQkv, Math.abs(want[i] - got[i]));
            } else {
                assertThat(got).as(name).containsExactly(want);               // copied bit for bit
            }
        }
        assertThat(maxQkv).isLessThan(1e-6);
        assertThat(DreamSimConfig.read(dir.resolve("out/config.json"))).isEqualTo(config);

        try (NDManager m = NDManager.newBaseManager(); DreamSim ds = DreamSim.load(dir.resolve("out"), m)) {
            Map<String, NDArray> io = SafeTensors.load(DreamSimTest.TINY.resolve("dreamsim_io.safetensors"), m);
            DreamSimTest.assertClose("converted distance", ds.distance(io.get("img_a"), io.get("img_b")), io.get("distance"));
            DreamSimTest.assertClose("converted distance_a_c", ds.distance(io.get("img_a"), io.get("img_c")), io.get("distance_a_c"));
        }
    }

    @Test
    void takesTheTeacherBackboneOfDinosFullCheckpoint(@TempDir Path dir) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(MODEL.resolve("config.json"));
        Release release = writeRelease(dir, config, true);
        DreamSimConvert.convert(release.sources, config, dir.resolve("out"));
        SafeTensorsFile converted = SafeTensors.read(dir.resolve("out/model.safetensors"));
        SafeTensorsFile fixture = SafeTensors.read(MODEL.resolve("model.safetensors"));
        String name = "extractor_list.0.model.pos_embed";
        assertThat(floats(converted, name)).containsExactly(floats(fixture, name));
    }

    @Test
    void refusesMissingOrUnexpectedTensorsAndWritesNothing(@TempDir Path dir) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(MODEL.resolve("config.json"));
        Release release = writeRelease(dir, config, false);
        Path clip = release.sources.backbones().get(1);
        Path out = dir.resolve("out");

        Map<String, TorchZipWriter.F32> missing = new LinkedHashMap<>(release.clip);
        missing.remove("blocks.4.norm2.bias");
        TorchZipWriter.write(clip, missing, "state_dict");
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clip.pth.tar")
                .hasMessageContaining("missing tensor extractor_list.1.model.blocks.4.norm2.bias for backbone clip_vitb16");
        assertThat(out).doesNotExist();

        Map<String, TorchZipWriter.F32> extra = new LinkedHashMap<>(release.clip);
        extra.put("logit_scale", new TorchZipWriter.F32(new float[] {1}));
        TorchZipWriter.write(clip, extra, "state_dict");
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, out))
                .hasMessageContaining("unexpected tensor 'logit_scale' for backbone clip_vitb16");

        Map<String, TorchZipWriter.F32> misShaped = new LinkedHashMap<>(release.clip);
        misShaped.put("proj", new TorchZipWriter.F32(new float[16 * 8], 16, 8));
        TorchZipWriter.write(clip, misShaped, "state_dict");
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, out))
                .hasMessageContaining("tensor 'proj' has shape [16, 8], expected [16, 16]");
        assertThat(out).doesNotExist();
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().contains("staging")).toList()).isEmpty();
    }

    @Test
    void refusesAnIncompleteOrUnsupportedLora(@TempDir Path dir) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(MODEL.resolve("config.json"));
        Release release = writeRelease(dir, config, false);
        Path lora = release.sources.lora();

        Map<String, TorchZipWriter.F32> noB = new LinkedHashMap<>(release.lora);
        noB.remove("base_model.model.extractor_list.2.model.blocks.7.attn.qkv.lora_B.weight");
        TorchZipWriter.write(lora.resolve("adapter_model.bin"), noB, null);
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, dir.resolve("out")))
                .hasMessageContaining("missing tensor 'extractor_list.2.model.blocks.7.attn.qkv.lora_B.weight'");

        Files.writeString(lora.resolve("adapter_config.json"), "{\"r\": 16, \"lora_alpha\": 8, \"use_dora\": true}");
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, dir.resolve("out")))
                .hasMessageContaining("'use_dora' = true is not supported");
    }

    @Test
    void refusesAnExistingOutput(@TempDir Path dir) throws IOException {
        DreamSimConfig config = DreamSimConfig.read(MODEL.resolve("config.json"));
        Release release = writeRelease(dir, config, false);
        Files.createDirectory(dir.resolve("out"));
        assertThatThrownBy(() -> DreamSimConvert.convert(release.sources, config, dir.resolve("out")))
                .hasMessageContaining("already exists; nothing was written");
    }

    @Test
    void findsTheFilesInDreamSimsCacheDir(@TempDir Path dir) throws IOException {
        DreamSimConvert.Sources s = DreamSimConvert.Sources.inCacheDir(dir);
        assertThat(s.backbones().get(0)).isEqualTo(dir.resolve("dino_vitb16_pretrain.pth"));
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/dino_vitbase16_pretrain.pth"), "");
        s = DreamSimConvert.Sources.inCacheDir(dir);
        assertThat(s.backbones()).containsExactly(dir.resolve("checkpoints/dino_vitbase16_pretrain.pth"),
                dir.resolve("clip_vitb16_pretrain.pth.tar"), dir.resolve("open_clip_vitb16_pretrain.pth.tar"));
        assertThat(s.lora()).isEqualTo(dir.resolve("ensemble_lora"));
    }

    /** The state dicts written (by checkpoint-local name) and where. */
    record Release(DreamSimConvert.Sources sources, Map<String, TorchZipWriter.F32> clip, Map<String, TorchZipWriter.F32> lora) {}

    /** Writes dino.pth (hub layout, or DINO's full checkpoint with teacher/student), clip.pth.tar, open_clip.pth.tar and lora/. */
    static Release writeRelease(Path dir, DreamSimConfig config, boolean fullDino) throws IOException {
        SafeTensorsFile fixture = SafeTensors.read(MODEL.resolve("model.safetensors"));
        Random rng = new Random(6);
        Map<String, TorchZipWriter.F32> lora = new LinkedHashMap<>();
        List<Map<String, TorchZipWriter.F32>> perBackbone = new java.util.ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Backbone b : config.backbones()) {
                Map<String, TorchZipWriter.F32> sd = new LinkedHashMap<>();
                for (String name : fixture.tensors().keySet()) {
                    if (!name.startsWith(b.prefix() + ".")) continue;
                    long[] shape = fixture.info(name).shape();
                    float[] values = floats(fixture, name);
                    if (name.endsWith("attn.qkv.weight")) {
                        String module = name.substring(0, name.length() - ".weight".length());
                        float[] a = gaussian(rng, RANK * shape[1], 0.3), bb = gaussian(rng, shape[0] * RANK, 0.3);
                        lora.put("base_model.model." + module + ".lora_A.weight", new TorchZipWriter.F32(a, RANK, shape[1]));
                        lora.put("base_model.model." + module + ".lora_B.weight", new TorchZipWriter.F32(bb, shape[0], RANK));
                        NDArray delta = m.create(bb, new Shape(shape[0], RANK)).matMul(m.create(a, new Shape(RANK, shape[1])))
                                .mul(SCALE);                                                       // [out, in]
                        values = m.create(values, new Shape(shape)).sub(delta).toFloatArray();      // W − scale·B·A
                    }
                    String local = name.substring(b.prefix().length() + 1);
                    local = local.startsWith("model.") ? local.substring("model.".length()) : local;
                    sd.put(local, new TorchZipWriter.F32(values, shape));
                }
                perBackbone.add(sd);
            }
        }
        Path dino = dir.resolve("dino.pth"), clip = dir.resolve("clip.pth.tar"), open = dir.resolve("open_clip.pth.tar");
        if (fullDino) {
            Map<String, TorchZipWriter.F32> teacher = new LinkedHashMap<>();
            perBackbone.get(0).forEach((k, v) -> teacher.put("backbone." + k, v));
            teacher.put("head.last_layer.weight_g", new TorchZipWriter.F32(new float[] {1, 2}, 2, 1));
            TorchZipWriter.write(dino, teacher, "teacher");
        } else {
            TorchZipWriter.write(dino, perBackbone.get(0), null);
        }
        TorchZipWriter.write(clip, perBackbone.get(1), "state_dict");
        TorchZipWriter.write(open, perBackbone.get(2), "state_dict");
        Path loraDir = Files.createDirectories(dir.resolve("lora"));
        Files.writeString(loraDir.resolve("adapter_config.json"), """
                {"peft_type": "LORA", "r": 16, "lora_alpha": 8, "lora_dropout": 0.3, "bias": "none",
                 "target_modules": ["qkv"], "fan_in_fan_out": false, "use_rslora": false, "rank_pattern": {}, "alpha_pattern": {}}
                """);
        TorchZipWriter.write(loraDir.resolve("adapter_model.bin"), lora, null);
        return new Release(new DreamSimConvert.Sources(List.of(dino, clip, open), loraDir), perBackbone.get(1), lora);
    }

    static float[] floats(SafeTensorsFile f, String name) throws IOException {
        return TorchTensor.floats(f.raw(name), name);
    }

    private static float[] gaussian(Random rng, long n, double std) {
        float[] out = new float[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i++) out[i] = (float) (rng.nextGaussian() * std);
        return out;
    }
}
