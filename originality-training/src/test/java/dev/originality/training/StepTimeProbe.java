package dev.originality.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.originality.diffusion.models.unet.UNet2DConditionModel;
import dev.originality.diffusion.models.unet.UNetConfig;
import dev.originality.diffusion.models.vae.AutoencoderKL;
import dev.originality.diffusion.models.vae.VaeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

class StepTimeProbe {
    @Test
    void probe() {
        for (String spec : System.getProperty("probe", "").split(";")) {
            if (spec.isBlank()) continue;
            String[] f = spec.split(":");
            try (NDManager m = NDManager.newBaseManager()) {
                if (f[0].equals("unet")) {
                    int c = Integer.parseInt(f[1]), layers = Integer.parseInt(f[2]), batch = Integer.parseInt(f[3]), side = Integer.parseInt(f[4]);
                    UNetConfig uc = UNetConfig.of(List.of(c, 2 * c), layers, 4, 64, 16, side);
                    UNet2DConditionModel u = UNet2DConditionModel.initialised(uc, m, 1);
                    u.parameters().values().forEach(a -> a.setRequiresGradient(true));
                    long n = u.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
                    double best = 1e9;
                    for (int i = 0; i < 4; i++) {
                        try (NDManager s = m.newSubManager()) {
                            NDArray x = s.randomNormal(new Shape(batch, 4, side, side));
                            NDArray ctx = s.randomNormal(new Shape(batch, 32, 64));
                            NDArray t = s.create(new long[batch]);
                            long t0 = System.nanoTime();
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                gc.backward(u.forward(x, t, ctx).square().mean());
                            }
                            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                    System.out.printf("PROBE unet c=%d layers=%d batch=%d side=%d params=%d step=%.3fs%n", c, layers, batch, side, n, best);
                } else {
                    int batch = Integer.parseInt(f[2]);
                    String[] ch = f[1].split(",");
                    List<Integer> chans = java.util.Arrays.stream(ch).map(Integer::parseInt).toList();
                    AutoencoderKL v = AutoencoderKL.initialised(VaeConfig.of(chans, 1, 8, 4, 64), m, 1);
                    v.parameters().values().forEach(a -> a.setRequiresGradient(true));
                    double best = 1e9;
                    for (int i = 0; i < 3; i++) {
                        try (NDManager s = m.newSubManager()) {
                            NDArray x = s.randomNormal(new Shape(batch, 3, 64, 64));
                            long t0 = System.nanoTime();
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                gc.backward(v.decode(v.encode(x).mean()).sub(x).abs().mean());
                            }
                            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                    System.out.printf("PROBE vae %s batch=%d step=%.3fs%n", f[1], batch, best);
                }
            }
        }
    }
}
