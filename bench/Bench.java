import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.originality.diffusion.models.text.ClipTextConfig;
import dev.originality.diffusion.models.text.ClipTextModel;
import dev.originality.diffusion.models.unet.UNet2DConditionModel;
import dev.originality.diffusion.models.unet.UNetConfig;
import dev.originality.diffusion.nn.FusedAttention;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;
import dev.originality.diffusion.pipelines.StableDiffusion;
import dev.originality.inversion.QueryImage;
import dev.originality.measure.detect.ShapeDetector;
import dev.originality.measure.score.OriginalityScorer;
import dev.originality.measure.score.Score;
import dev.originality.measure.score.ScoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Our side of the engine benchmark (see bench/README.md): times UNet forward, a textual-inversion
 * step and a full training step for the "cpu" preset model and the reference block, plus a
 * 1024³ sgemm. Prints one line per figure, "RESULT name ms" and "PARAMS model count"; no assertions.
 * Run with the originality jars on the class path: java -cp ... bench/Bench.java WARMUP REPS.
 */
public class Bench {
    static final int B = 20, LAT = 16, TEXT_LEN = 32, REF_CTX = 77, REF_C = 64, VOCAB = 600;
    static final long ADDED_TOKEN = VOCAB;    // the injected (textual-inversion) token id
    static int warmup, reps;

    public static void main(String[] args) {
        warmup = Integer.parseInt(args[0]);
        reps = Integer.parseInt(args[1]);
        System.out.println("ATTENTION " + FusedAttention.status());
        if (args.length > 2 && args[2].equals("sd1")) {
            try (NDManager m = NDManager.newBaseManager()) {
                sd1(m, args.length > 3 ? Integer.parseInt(args[3]) : 1);
            }
            return;
        }
        // quick: the score first, in a fresh process (after the bench's models its steps ran ~25% slower)
        if (args.length > 2 && args[2].equals("quick")) scoreSeconds(Path.of(args[3]), Path.of(args[4]));
        try (NDManager m = NDManager.newBaseManager()) {
            sgemm(m);
            cpuPreset(m);
            referenceBlock(m);
        }
    }

    /**
     * One 64x64 image scored for m = 1..5 with the cpu preset, estimated without most of its inversion steps: a real score
     * whose inversion stops after PROBE steps (its reconstructions, VAE decodes and detector run in full, on vectors
     * that are not learned yet), plus the remaining steps at the median step time of steps 11..PROBE.
     */
    static void scoreSeconds(Path model, Path image) {
        final int probe = 40;
        ScoreConfig cpu = ScoreConfig.cpu();
        ScoreConfig probed = cpu.withInversion(cpu.inversion().withSteps(probe));
        List<Double> stepMs = new ArrayList<>();
        OriginalityScorer.Progress timer = new OriginalityScorer.Progress() {
            String phase = "";
            long last;

            @Override
            public void phase(String name, int total) {
                phase = name;
                last = System.nanoTime();
            }

            @Override
            public void step(int done, String message) {
                long now = System.nanoTime();
                if (phase.equals("invert") && done > 10) stepMs.add((now - last) / 1e6);
                last = now;
            }
        };
        try (StableDiffusion sd = StableDiffusion.load(model); ShapeDetector detector = ShapeDetector.loadDefault()) {
            Score s = new OriginalityScorer(sd, detector, probed).score(QueryImage.read(image), timer);
            double step = stepMs.stream().sorted().toList().get(stepMs.size() / 2) / 1000;
            double total = s.inversionSeconds() + (cpu.inversion().steps() - probe) * step + s.reconstructionSeconds();
            System.out.printf(Locale.ROOT, "SCORE cpu %.1f s: inversion %d steps x %.3f s (probe of %d: %.1f s), reconstructions %.1f s%n",
                    total, cpu.inversion().steps(), step, probe, s.inversionSeconds(), s.reconstructionSeconds());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Median wall time of {@code reps} runs after {@code warmup} runs, each in its own sub-manager. */
    static double median(NDManager m, Consumer<NDManager> body) {
        double[] t = new double[reps];
        for (int i = 0; i < warmup + reps; i++) {
            try (NDManager s = m.newSubManager()) {
                long t0 = System.nanoTime();
                body.accept(s);
                long dt = System.nanoTime() - t0;
                if (i >= warmup) t[i - warmup] = dt / 1e6;
            }
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    }

    static void report(String name, double ms) {
        System.out.printf(Locale.ROOT, "RESULT %s %.3f%n", name, ms);
    }

    static void params(String model, Map<String, NDArray> p) {
        long n = 0;
        for (NDArray a : p.values()) n += a.getShape().size();
        System.out.printf(Locale.ROOT, "PARAMS %s %d %d%n", model, n, p.size());
    }

    static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static void sgemm(NDManager m) {
        NDArray a = m.randomNormal(new Shape(1024, 1024)), b = m.randomNormal(new Shape(1024, 1024));
        int w = warmup, r = reps;
        warmup = 2; reps = 7;
        report("sgemm1024", median(m, s -> a.matMul(b).close()));
        warmup = w; reps = r;
    }

    // ---- the "cpu" preset model: UNet (48, 96) × 2 layers, 4 heads, context 64; CLIP text 64 × 2 layers, 32 tokens

    static void cpuPreset(NDManager m) {
        UNetConfig uc = UNetConfig.of(List.of(48, 96), 2, 4, 64, 16, LAT);
        UNet2DConditionModel unet = UNet2DConditionModel.initialised(uc, m, 1);
        ClipTextConfig tc = ClipTextConfig.builder().vocabSize(VOCAB).hiddenSize(64).intermediateSize(256)
                .numHiddenLayers(2).numAttentionHeads(4).maxPositionEmbeddings(TEXT_LEN)
                .bosTokenId(0).eosTokenId(1).padTokenId(1).projectionDim(null).build();
        Weights tw = Weights.fresh(m, 2, "text_encoder (bench)");
        ClipTextModel text = new ClipTextModel(tc, tw);
        tw.requireAllTaken();
        params("cpu.unet", unet.parameters());
        params("cpu.text", text.parameters());

        Random r = new Random(3);
        Shape lat = new Shape(B, 4, LAT, LAT);
        float[] z = gaussian(r, (int) lat.size()), noise = gaussian(r, (int) lat.size()), vec = gaussian(r, 64);
        float[] ctx = gaussian(r, B * TEXT_LEN * 64);
        long[] t = new long[B], ids = new long[B * TEXT_LEN];
        for (int b = 0; b < B; b++) {
            t[b] = r.nextInt(1000);
            // BOS, "a photo of <added> ..." (6 words), EOS, padding
            for (int p = 0; p < TEXT_LEN; p++) ids[b * TEXT_LEN + p] = p == 0 ? 0 : p == 4 ? ADDED_TOKEN : p < 8 ? 2 + r.nextInt(VOCAB - 2) : 1;
        }
        Shape idShape = new Shape(B, TEXT_LEN), ctxShape = new Shape(B, TEXT_LEN, 64);
        long[] plainIds = ids.clone();                                  // the training caption: a vocabulary word instead
        for (int i = 0; i < plainIds.length; i++) if (plainIds[i] == ADDED_TOKEN) plainIds[i] = 2;

        report("cpu.unet_forward", median(m, s -> unet.forward(s.create(z, lat), s.create(t), s.create(ctx, ctxShape))));
        report("cpu.ti_step", median(m, s -> {
            NDArray v = s.create(vec, new Shape(64));                                      // [C] the learned token
            v.setRequiresGradient(true);
            NDArray idArr = s.create(ids, idShape);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = text.forwardEmbeddings(text.embed(idArr, Map.of(ADDED_TOKEN, v)), idArr).lastHiddenState();
                NDArray pred = unet.forward(s.create(z, lat), s.create(t), h);
                gc.backward(pred.sub(s.create(noise, lat)).square().mean());
            }
            v.getGradient();
        }));
        unet.parameters().values().forEach(a -> a.setRequiresGradient(true));
        report("cpu.train_step", median(m, s -> {
            NDArray idArr = s.create(plainIds, idShape);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h = text.forward(idArr).lastHiddenState();
                NDArray pred = unet.forward(s.create(z, lat), s.create(t), h);
                gc.backward(pred.sub(s.create(noise, lat)).square().mean());
            }
        }));
        unet.parameters().values().forEach(a -> a.setRequiresGradient(false));
    }

    // ---- an SD v1.x-sized UNet (320, 640, 1280, 1280) × 2 layers, 8 heads, context 768, 64×64 latents (512×512 images)

    /** Time and peak resident memory of one textual-inversion step (input gradients only) at batch {@code b}. */
    static void sd1(NDManager m, int b) {
        long rss0 = statusKb("VmRSS");
        UNet2DConditionModel unet = UNet2DConditionModel.initialised(UNetConfig.of(List.of(320, 640, 1280, 1280), 2, 8, 768, 32, 64), m, 1);
        params("sd1.unet", unet.parameters());
        long rssWeights = statusKb("VmRSS");
        Random r = new Random(3);
        Shape lat = new Shape(b, 4, 64, 64), ctxShape = new Shape(b, 77, 768);
        float[] z = gaussian(r, (int) lat.size()), noise = gaussian(r, (int) lat.size()), ctx = gaussian(r, (int) ctxShape.size());
        long[] t = new long[b];
        for (int i = 0; i < b; i++) t[i] = r.nextInt(1000);
        report("sd1.unet_forward.b" + b, median(m, s -> unet.forward(s.create(z, lat), s.create(t), s.create(ctx, ctxShape))));
        report("sd1.ti_step.b" + b, median(m, s -> {
            NDArray c = s.create(ctx, ctxShape);                                          // [b, 77, 768] stands for the text encoder's output
            c.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(unet.forward(s.create(z, lat), s.create(t), c).sub(s.create(noise, lat)).square().mean());
            }
            c.getGradient();
        }));
        System.out.printf(Locale.ROOT, "MEMORY sd1 batch %d: RSS before %d MB, with fp32 weights %d MB, peak (VmHWM) %d MB%n",
                b, rss0 >> 10, rssWeights >> 10, statusKb("VmHWM") >> 10);
    }

    /** A field of /proc/self/status in kB (VmRSS, VmHWM). */
    static long statusKb(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return -1;
    }

    // ---- the reference block (bench/README.md): conv_in 4→64, 4 × [resnet + cross-attention transformer], conv_out 64→4

    static final class RefBlock {
        final Map<String, NDArray> p = new LinkedHashMap<>();
        final NDManager m;
        final Random r = new Random(4);

        RefBlock(NDManager m) {
            this.m = m;
            conv("conv_in", REF_C, 4, 3);
            for (int i = 0; i < 4; i++) {
                String res = "blocks." + i + ".res.", at = "blocks." + i + ".attn.";
                norm(res + "norm1", REF_C);
                conv(res + "conv1", REF_C, REF_C, 3);
                norm(res + "norm2", REF_C);
                conv(res + "conv2", REF_C, REF_C, 3);
                norm(at + "norm", REF_C);
                linear(at + "proj_in", REF_C, REF_C, true);
                norm(at + "ln1", REF_C);
                linear(at + "to_q", REF_C, REF_C, false);
                linear(at + "to_k", REF_C, REF_C, false);
                linear(at + "to_v", REF_C, REF_C, false);
                linear(at + "to_out", REF_C, REF_C, true);
                norm(at + "ln2", REF_C);
                linear(at + "ff1", 8 * REF_C, REF_C, true);                  // GEGLU: 2 × 4C
                linear(at + "ff2", REF_C, 4 * REF_C, true);
                linear(at + "proj_out", REF_C, REF_C, true);
            }
            conv("conv_out", 4, REF_C, 3);
        }

        NDArray rnd(double scale, long... shape) {
            return m.create(gaussian(r, (int) new Shape(shape).size()), new Shape(shape)).mul(scale);
        }

        void conv(String n, int out, int in, int k) {
            p.put(n + ".weight", rnd(1 / Math.sqrt(in * k * k), out, in, k, k));
            p.put(n + ".bias", m.zeros(new Shape(out)));
        }

        void linear(String n, int out, int in, boolean bias) {
            p.put(n + ".weight", rnd(1 / Math.sqrt(in), out, in));
            if (bias) p.put(n + ".bias", m.zeros(new Shape(out)));
        }

        void norm(String n, int c) {
            p.put(n + ".weight", m.ones(new Shape(c)));
            p.put(n + ".bias", m.zeros(new Shape(c)));
        }

        NDArray w(String n) {
            return p.get(n + ".weight");
        }

        NDArray b(String n) {
            return p.get(n + ".bias");
        }

        /** x: [B, 4, 16, 16], ctx: [B, 77, 64] → [B, 4, 16, 16]. */
        NDArray forward(NDArray x, NDArray ctx) {
            NDArray h = Ops.conv2d(x, w("conv_in"), b("conv_in"), 1, 1);
            for (int i = 0; i < 4; i++) {
                String res = "blocks." + i + ".res.", at = "blocks." + i + ".attn.";
                NDArray y = Ops.conv2d(Ops.silu(Ops.groupNorm(h, 32, w(res + "norm1"), b(res + "norm1"), 1e-5)), w(res + "conv1"), b(res + "conv1"), 1, 1);
                y = Ops.conv2d(Ops.silu(Ops.groupNorm(y, 32, w(res + "norm2"), b(res + "norm2"), 1e-5)), w(res + "conv2"), b(res + "conv2"), 1, 1);
                h = h.add(y);
                h = h.add(transformer(at, h, ctx));
            }
            return Ops.conv2d(h, w("conv_out"), b("conv_out"), 1, 1);
        }

        NDArray transformer(String at, NDArray h, NDArray ctx) {
            Shape s = h.getShape();
            NDArray x = Ops.groupNorm(h, 32, w(at + "norm"), b(at + "norm"), 1e-6)
                    .reshape(s.get(0), REF_C, -1).transpose(0, 2, 1);                         // [B, HW, C]
            x = Ops.linear(x, w(at + "proj_in"), b(at + "proj_in"));
            NDArray q = Ops.layerNorm(x, w(at + "ln1"), b(at + "ln1"), 1e-5);
            NDArray a = Ops.attention(Ops.linear(q, w(at + "to_q"), null), Ops.linear(ctx, w(at + "to_k"), null),
                    Ops.linear(ctx, w(at + "to_v"), null), 4, null);
            x = x.add(Ops.linear(a, w(at + "to_out"), b(at + "to_out")));
            NDList g = Ops.linear(Ops.layerNorm(x, w(at + "ln2"), b(at + "ln2"), 1e-5), w(at + "ff1"), b(at + "ff1")).split(2, 2);
            x = x.add(Ops.linear(g.get(0).mul(Ops.gelu(g.get(1))), w(at + "ff2"), b(at + "ff2")));
            x = Ops.linear(x, w(at + "proj_out"), b(at + "proj_out"));
            return x.transpose(0, 2, 1).reshape(s);
        }
    }

    static void referenceBlock(NDManager m) {
        RefBlock ref = new RefBlock(m);
        params("ref", ref.p);
        Random r = new Random(5);
        Shape lat = new Shape(B, 4, LAT, LAT), ctxShape = new Shape(B, REF_CTX, REF_C);
        float[] z = gaussian(r, (int) lat.size()), noise = gaussian(r, (int) lat.size()), ctx = gaussian(r, (int) ctxShape.size());
        report("ref.unet_forward", median(m, s -> ref.forward(s.create(z, lat), s.create(ctx, ctxShape))));
        // textual inversion on the reference block: the gradient flows to the context only
        report("ref.ti_step", median(m, s -> {
            NDArray c = s.create(ctx, ctxShape);
            c.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(ref.forward(s.create(z, lat), c).sub(s.create(noise, lat)).square().mean());
            }
            c.getGradient();
        }));
        ref.p.values().forEach(a -> a.setRequiresGradient(true));
        report("ref.train_step", median(m, s -> {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(ref.forward(s.create(z, lat), s.create(ctx, ctxShape)).sub(s.create(noise, lat)).square().mean());
            }
        }));
    }
}
