package dev.originality.diffusion.pipelines;

import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.models.text.ClipTextModel;
import dev.originality.diffusion.models.unet.UNet2DConditionModel;
import dev.originality.diffusion.models.vae.AutoencoderKL;
import dev.originality.diffusion.schedulers.SchedulerConfig;
import dev.originality.diffusion.tokenizer.ClipTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The parts of a Stable Diffusion v1.x model, loaded from a diffusers folder: tokenizer, CLIP text
 * encoder, UNet, VAE and the scheduler's config. Our own trained models use the same layout.
 */
public final class StableDiffusion implements AutoCloseable {
    public static final List<String> COMPONENTS = List.of("unet", "vae", "text_encoder", "tokenizer", "scheduler");

    private final Path dir;
    private final NDManager manager;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final SchedulerConfig schedulerConfig;
    private String hash;

    public StableDiffusion(Path dir, NDManager manager, ClipTokenizer tokenizer, ClipTextModel textEncoder,
                           UNet2DConditionModel unet, AutoencoderKL vae, SchedulerConfig schedulerConfig) {
        this.dir = dir;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
    }

    /** Loads a diffusers folder strictly; every problem is an IllegalArgumentException naming the file. */
    public static StableDiffusion load(Path dir) throws IOException {
        return load(dir, ai.djl.Device.cpu());
    }

    /** Loads onto a device: every weight lives there, and so does all work derived from {@link #manager()}. */
    public static StableDiffusion load(Path dir, ai.djl.Device device) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("model folder '" + dir + "' does not exist");
        if (!Files.isRegularFile(dir.resolve("model_index.json"))) {
            throw new IllegalArgumentException("'" + dir + "' is not a diffusers model folder: expected model_index.json in it");
        }
        requireV1(dir.resolve("model_index.json"));
        for (String c : COMPONENTS) {
            if (!Files.isDirectory(dir.resolve(c))) {
                throw new IllegalArgumentException("model folder '" + dir + "' has no '" + c + "/' component (expected "
                        + String.join(", ", COMPONENTS) + ")");
            }
        }
        NDManager m = NDManager.newBaseManager(device);
        try {
            return new StableDiffusion(dir, m,
                    ClipTokenizer.load(dir.resolve("tokenizer")),
                    ClipTextModel.load(dir.resolve("text_encoder"), m),
                    UNet2DConditionModel.load(dir.resolve("unet"), m),
                    AutoencoderKL.load(dir.resolve("vae"), m),
                    SchedulerConfig.read(dir.resolve("scheduler/scheduler_config.json")));
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Refuses pipelines of another family before any weight is read: SDXL (a second text encoder,
     * {@code text_encoder_2}) and other {@code _class_name}s with "XL" would otherwise fail deep in
     * the UNet loader with a message about a tensor.
     */
    static void requireV1(Path index) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = dev.originality.diffusion.models.blocks.ConfigJson.JSON.readTree(Files.readString(index));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(index + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(index + ": expected a JSON object");
        String cls = root.path("_class_name").asText("");
        boolean second = root.hasNonNull("text_encoder_2") && !root.get("text_encoder_2").path(0).isNull();
        if (second || cls.contains("XL")) {
            throw new IllegalArgumentException("'" + index.getParent() + "' is not a Stable Diffusion v1.x folder: expected a "
                    + "StableDiffusionPipeline with one text_encoder, found " + (cls.isEmpty() ? "a pipeline" : cls)
                    + (second ? " with text_encoder_2" : ""));
        }
    }

    public Path dir() { return dir; }
    public NDManager manager() { return manager; }
    public ClipTokenizer tokenizer() { return tokenizer; }
    public ClipTextModel textEncoder() { return textEncoder; }
    public UNet2DConditionModel unet() { return unet; }
    public AutoencoderKL vae() { return vae; }
    public SchedulerConfig schedulerConfig() { return schedulerConfig; }

    /** Pixels per latent cell: 2^(VAE blocks − 1), as diffusers' vae_scale_factor. */
    public int vaeScaleFactor() {
        return vae.config().downscaleFactor();
    }

    /** Output side in pixels: the UNet's sample_size times the VAE factor. */
    public int imageSize() {
        return unet.config().sampleSize() * vaeScaleFactor();
    }

    /**
     * SHA-256 over the component weight files and configs (sorted by path): the model's identity
     * in every provenance record.
     */
    public synchronized String sha256() throws IOException {
        if (hash == null) hash = folderHash(dir);
        return hash;
    }

    static String folderHash(Path dir) throws IOException {
        MessageDigest md = dev.originality.diffusion.io.Hashing.sha256Digest();
        List<Path> files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> { String n = p.getFileName().toString(); return n.endsWith(".json") || n.endsWith(".safetensors") || n.endsWith(".txt"); })
                    .filter(p -> COMPONENTS.contains(dir.relativize(p).getName(0).toString()) || p.getParent().equals(dir))
                    .sorted().toList();
        }
        for (Path f : files) {
            md.update(dir.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            dev.originality.diffusion.io.Hashing.update(md, f);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void close() {
        manager.close();
    }
}
