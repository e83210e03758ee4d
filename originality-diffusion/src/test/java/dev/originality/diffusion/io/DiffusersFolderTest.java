package dev.originality.diffusion.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiffusersFolderTest {
    static final Path SD_TINY = Path.of("src/test/resources/fixtures/sd-tiny/pipeline");
    /** The F16 fixture folder is itself the diffusers folder (plus fixtures/, schedulers/ and a MANIFEST beside it). */
    static final Path SD_TINY_F16 = Path.of("src/test/resources/fixtures/sd-tiny-f16");
    @TempDir
    Path tmp;

    @Test
    void opensTheFloat32Pipeline() throws IOException {
        DiffusersFolder d = DiffusersFolder.open(SD_TINY);
        assertThat(d.className()).isEqualTo("StableDiffusionPipeline");
        assertThat(d.diffusersVersion()).isEqualTo("0.31.0");
        assertThat(d.components().keySet()).containsExactly("scheduler", "text_encoder", "tokenizer", "unet", "vae");
        assertThat(d.absent()).containsExactly("feature_extractor", "image_encoder", "safety_checker");
        DiffusersFolder.Component unet = d.component("unet");
        assertThat(unet.library()).isEqualTo("diffusers");
        assertThat(unet.className()).isEqualTo("UNet2DConditionModel");
        assertThat(unet.weights()).isEqualTo(SD_TINY.resolve("unet/diffusion_pytorch_model.safetensors"));
        assertThat(d.component("text_encoder").weights()).isEqualTo(SD_TINY.resolve("text_encoder/model.safetensors"));
        assertThat(d.component("tokenizer").hasWeights()).isFalse();
        assertThat(d.component("tokenizer").files()).extracting(Path::toString)
                .containsExactly("merges.txt", "special_tokens_map.json", "tokenizer_config.json", "vocab.json");
        assertThat(d.config("scheduler").get("_class_name").asText()).isEqualTo("PNDMScheduler");
        assertThat(d.config("unet").get("block_out_channels").toString()).isEqualTo("[16,32]");
        assertThat(d.weights("vae").info("encoder.conv_in.weight").dtype()).isEqualTo(Dtype.F32);
        assertThatThrownBy(() -> d.component("safety_checker")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[null, null]");
    }

    @Test
    void opensTheFloat16PipelineAndWidensItsWeights() throws IOException {
        DiffusersFolder d = DiffusersFolder.open(SD_TINY_F16);
        assertThat(d.components().keySet()).containsExactly("scheduler", "text_encoder", "unet", "vae");
        assertThat(d.absent()).contains("tokenizer", "safety_checker");
        assertThat(d.weights("unet").dtypes().values()).containsOnly(Dtype.F16);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> unet = d.loadWeights("unet", m);
            assertThat(unet).hasSize(208);
            assertThat(unet.values()).allSatisfy(a -> assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32));
        }
    }

    @Test
    void float32PipelineRoundTripsLosslessly() throws IOException {
        assertLosslessCopy(SD_TINY, DiffusersFolder.open(SD_TINY).save(tmp.resolve("copy")));
    }

    @Test
    void float16PipelineRoundTripsLosslessly() throws IOException {
        DiffusersFolder copy = DiffusersFolder.open(SD_TINY_F16).save(tmp.resolve("out/f16"));
        assertLosslessCopy(SD_TINY_F16, copy);
        // Independent check: the copied files hash as the fixture generator's MANIFEST says.
        Map<String, String> manifest = new TreeMap<>();
        for (String line : Files.readAllLines(SD_TINY_F16.resolve("MANIFEST.txt"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) manifest.put(f[2], f[1]);
        }
        for (String rel : relativeFiles(copy.dir())) assertThat(sha256(copy.dir().resolve(rel))).as(rel).startsWith(manifest.get(rel));
        try (var left = Files.list(tmp.resolve("out"))) {
            assertThat(left).containsExactly(tmp.resolve("out/f16")); // no staging folder left
        }
    }

    /** Same file names, same JSON, same tensors (names, dtypes, shapes, bits), here even the same bytes. */
    private static void assertLosslessCopy(Path original, DiffusersFolder copy) throws IOException {
        DiffusersFolder src = DiffusersFolder.open(original);
        List<String> expected = new java.util.ArrayList<>(List.of("model_index.json"));
        for (DiffusersFolder.Component c : src.components().values()) {
            for (Path f : c.files()) expected.add(c.name() + "/" + f);
        }
        assertThat(relativeFiles(copy.dir())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(copy.components().keySet()).containsExactlyElementsOf(src.components().keySet());
        for (String rel : expected) {
            Path a = original.resolve(rel), b = copy.dir().resolve(rel);
            if (rel.endsWith(".safetensors")) {
                SafeTensorsFile fa = SafeTensors.read(a), fb = SafeTensors.read(b);
                assertThat(fb.metadata()).isEqualTo(fa.metadata());
                assertThat(fb.tensors().keySet()).containsExactlyElementsOf(fa.tensors().keySet());
                for (String t : fa.tensors().keySet()) {
                    assertThat(fb.info(t).dtype()).as(t).isEqualTo(fa.info(t).dtype());
                    assertThat(fb.info(t).shape()).as(t).isEqualTo(fa.info(t).shape());
                    assertThat(SafeTensorsRoundTripTest.bytes(fb.raw(t).data())).as(t)
                            .isEqualTo(SafeTensorsRoundTripTest.bytes(fa.raw(t).data()));
                }
            }
            assertThat(Files.readAllBytes(b)).as(rel).isEqualTo(Files.readAllBytes(a));
        }
    }

    @Test
    void findsFp16VariantsAndRefusesPickles() throws IOException {
        Path dir = copyOf(SD_TINY, "variant");
        Files.move(dir.resolve("unet/diffusion_pytorch_model.safetensors"), dir.resolve("unet/diffusion_pytorch_model.fp16.safetensors"));
        Files.move(dir.resolve("text_encoder/model.safetensors"), dir.resolve("text_encoder/model.fp16.safetensors"));
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.bin"), "pickle beside safetensors: ignored, not copied");
        DiffusersFolder d = DiffusersFolder.open(dir);
        assertThat(d.component("unet").weights().getFileName().toString()).isEqualTo("diffusion_pytorch_model.fp16.safetensors");
        assertThat(d.component("text_encoder").weights().getFileName().toString()).isEqualTo("model.fp16.safetensors");
        DiffusersFolder copy = d.save(tmp.resolve("variant-copy"));
        assertThat(copy.dir().resolve("unet/diffusion_pytorch_model.bin")).doesNotExist();
        assertThat(copy.dir().resolve("unet/diffusion_pytorch_model.fp16.safetensors")).exists();

        Files.delete(dir.resolve("unet/diffusion_pytorch_model.fp16.safetensors"));
        assertThatThrownBy(() -> DiffusersFolder.open(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'unet'").hasMessageContaining("only pickle weights")
                .hasMessageContaining("diffusion_pytorch_model.bin").hasMessageContaining("Convert them to safetensors");
        Files.delete(dir.resolve("unet/diffusion_pytorch_model.bin"));
        assertThatThrownBy(() -> DiffusersFolder.open(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'unet'").hasMessageContaining("no weights");
    }

    @Test
    void clearErrorsForBrokenFolders() throws IOException {
        assertThatThrownBy(() -> DiffusersFolder.open(tmp.resolve("nowhere"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nowhere").hasMessageContaining("does not exist");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> DiffusersFolder.open(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no model_index.json");

        Path noVae = copyOf(SD_TINY, "novae");
        deleteTree(noVae.resolve("vae"));
        assertThatThrownBy(() -> DiffusersFolder.open(noVae)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'vae' (diffusers AutoencoderKL)").hasMessageContaining("is missing");

        Path badIndex = copyOf(SD_TINY, "badindex");
        Files.writeString(badIndex.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionPipeline\",");
        assertThatThrownBy(() -> DiffusersFolder.open(badIndex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model_index.json").hasMessageContaining("malformed JSON");
        Files.writeString(badIndex.resolve("model_index.json"), "{\"_class_name\": \"P\", \"_diffusers_version\": \"0.31.0\", \"unet\": [\"diffusers\"]}");
        assertThatThrownBy(() -> DiffusersFolder.open(badIndex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'unet' must be [library, class name]");
        Files.writeString(badIndex.resolve("model_index.json"), "{\"_class_name\": \"P\", \"_diffusers_version\": \"0.31.0\", \"..\": [\"diffusers\", \"X\"]}");
        assertThatThrownBy(() -> DiffusersFolder.open(badIndex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component name '..' is not a folder name");
        Files.writeString(badIndex.resolve("model_index.json"), "{\"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}");
        assertThatThrownBy(() -> DiffusersFolder.open(badIndex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'_class_name'");

        Path badConfig = copyOf(SD_TINY, "badconfig");
        Files.writeString(badConfig.resolve("scheduler/scheduler_config.json"), "{\"beta_start\": 0.00085,,}");
        assertThatThrownBy(() -> DiffusersFolder.open(badConfig)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheduler_config.json").hasMessageContaining("malformed JSON").hasMessageContaining("line 1");

        Path badWeights = copyOf(SD_TINY, "badweights");
        Path vae = badWeights.resolve("vae/diffusion_pytorch_model.safetensors");
        byte[] bytes = Files.readAllBytes(vae);
        Files.write(vae, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> DiffusersFolder.open(badWeights)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(vae.toString()).hasMessageContaining("beyond the data region");

        Path target = Files.createDirectory(tmp.resolve("taken"));
        assertThatThrownBy(() -> DiffusersFolder.open(SD_TINY).save(target)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
    }

    private Path copyOf(Path src, String name) throws IOException {
        Path dst = tmp.resolve(name);
        for (String rel : relativeFiles(src)) {
            Files.createDirectories(dst.resolve(rel).getParent());
            Files.copy(src.resolve(rel), dst.resolve(rel));
        }
        return dst;
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
