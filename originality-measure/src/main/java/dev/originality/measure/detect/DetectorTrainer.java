package dev.originality.measure.detect;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.diffusion.nn.Weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains the blob classifier on {@link TrainingSet} crops: cross-entropy on the shape head (with
 * "not an element") plus, for real elements, on the size and texture heads; Adam with a cosine
 * decay; random horizontal flips (every shape of the world is mirror-symmetric). The same seed
 * gives the same weights: data, initialisation, order and flips all come from seeded generators.
 */
public final class DetectorTrainer {
    private final TrainPreset preset;

    public DetectorTrainer(TrainPreset preset) {
        this.preset = preset;
    }

    /** losses: mean loss of each step; seconds: wall time of data making and training. */
    public record Result(DetectorModel model, List<Double> losses, int samples, double dataSeconds, double trainSeconds) {}

    public Result train(long seed, Consumer<String> log) {
        long t0 = System.nanoTime();
        TrainingSet.Samples data = new TrainingSet(preset).make(seed);
        double dataSeconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(java.util.Locale.ROOT, "made %d crops from %d images in %.1f s (%s)", data.count(),
                preset.images(), dataSeconds, classCounts(data)));

        DetectorModel init = DetectorModel.initial(preset.segmenter(), preset.classifier(), seed);
        Map<String, float[]> params = new LinkedHashMap<>();
        init.weights().forEach((k, v) -> params.put(k, v.clone()));
        Adam adam = new Adam();
        SplittableRandom order = new SplittableRandom(seed ^ 0x5452414953L);
        int n = data.count(), b = preset.batchSize();
        int stepsPerEpoch = (n + b - 1) / b, total = stepsPerEpoch * preset.epochs();
        List<Double> losses = new ArrayList<>(total);
        long t1 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int epoch = 0; epoch < preset.epochs(); epoch++) {
                int[] perm = permutation(n, order);
                double sum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int from = s * b, to = Math.min(n, from + b);
                    double lr = preset.learningRate() * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * losses.size() / total)));
                    double loss = step(manager, params, adam, data, perm, from, to, order, lr);
                    losses.add(loss);
                    sum += loss;
                }
                log.accept(String.format(java.util.Locale.ROOT, "epoch %d/%d: mean loss %.4f (%.0f s)", epoch + 1,
                        preset.epochs(), sum / stepsPerEpoch, (System.nanoTime() - t1) / 1e9));
            }
        }
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        ObjectNode prov = DetectorModel.JSON.createObjectNode();
        prov.put("preset", preset.name());
        prov.put("seed", seed);
        prov.put("images", preset.images());
        prov.put("crops", n);
        prov.put("epochs", preset.epochs());
        prov.put("steps", total);
        prov.put("final_epoch_loss", mean(losses.subList(total - stepsPerEpoch, total)));
        prov.set("preset_config", DetectorModel.JSON.valueToTree(preset));
        return new Result(init.withWeights(params, prov), losses, n, dataSeconds, trainSeconds);
    }

    private double step(NDManager base, Map<String, float[]> params, Adam adam, TrainingSet.Samples data, int[] perm,
                        int from, int to, SplittableRandom flips, double lr) {
        int bs = to - from, px = preset.classifier().cropPixels();
        float[] x = new float[bs * px * px];
        float[] tShape = new float[bs * ClassifierConfig.SHAPE_CLASSES], tSize = new float[bs * 2], tTex = new float[bs * 2];
        for (int i = 0; i < bs; i++) {
            int k = perm[from + i];
            float[] c = data.crops()[k];
            boolean flip = flips.nextBoolean();
            for (int y = 0; y < px; y++)
                for (int u = 0; u < px; u++) x[i * px * px + y * px + u] = c[y * px + (flip ? px - 1 - u : u)];
            int shape = data.shape()[k];
            tShape[i * ClassifierConfig.SHAPE_CLASSES + shape] = 1;
            if (shape != ClassifierConfig.NONE) {
                tSize[i * 2 + data.size()[k]] = 1;
                tTex[i * 2 + data.texture()[k]] = 1;
            }
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        double loss;
        try (NDManager m = base.newSubManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            preset.classifier().parameterShapes().forEach((name, shape) -> {
                NDArray a = m.create(params.get(name), new ai.djl.ndarray.types.Shape(shape));
                a.setRequiresGradient(true);
                t.put(name, a);
            });
            ClassifierNet net = ClassifierNet.of(preset.classifier(), new Weights(t, "training weights"));
            NDArray input = m.create(x, new ai.djl.ndarray.types.Shape(bs, 1, px, px));            // [B, 1, n, n]
            NDArray ys = m.create(tShape, new ai.djl.ndarray.types.Shape(bs, ClassifierConfig.SHAPE_CLASSES));
            NDArray yz = m.create(tSize, new ai.djl.ndarray.types.Shape(bs, 2));
            NDArray yt = m.create(tTex, new ai.djl.ndarray.types.Shape(bs, 2));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = net.logits(input);                                                 // [B, 10]
                NDArray nll = logits.get(":, 0:6").logSoftmax(1).mul(ys).sum(new int[] {1})
                        .add(logits.get(":, 6:8").logSoftmax(1).mul(yz).sum(new int[] {1}))
                        .add(logits.get(":, 8:10").logSoftmax(1).mul(yt).sum(new int[] {1}));      // [B]
                NDArray lossArr = nll.mean().neg();
                gc.backward(lossArr);
                loss = lossArr.getFloat();
            }
            t.forEach((name, a) -> grads.put(name, a.getGradient().toFloatArray()));
        }
        adam.step(params, grads, lr);
        return loss;
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String classCounts(TrainingSet.Samples d) {
        int[] c = new int[ClassifierConfig.SHAPE_CLASSES];
        for (int s : d.shape()) c[s]++;
        return "per shape class incl. none: " + java.util.Arrays.toString(c);
    }
}
