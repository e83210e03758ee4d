package dev.originality.diffusion.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.originality.diffusion.models.unet.UNet2DConditionModel;
import dev.originality.diffusion.models.unet.UNetConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Convolutions with few filters (Ops.conv2d pads them): same values, and a backward pass that stays finite. */
class ConvBackwardTest {
    @Test
    void paddedNarrowConvolutionGivesTheConvolutionsValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(2, 48, 9, 7));
            for (int cout : new int[] {1, 3, 4, 8}) {
                NDArray w = m.randomNormal(new Shape(cout, 48, 3, 3)), b = m.randomNormal(new Shape(cout));
                float[] plain = Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().toFloatArray();
                NDArray ours = Ops.conv2d(x, w, b, 1, 1);                                 // [2, cout, 9, 7]
                assertThat(ours.getShape()).isEqualTo(new Shape(2, cout, 9, 7));
                float[] got = ours.toFloatArray();
                for (int i = 0; i < plain.length; i++) assertThat(got[i]).isCloseTo(plain[i], within(1e-4f));
                NDArray strided = Ops.conv2d(x, w, null, 2, 0);                           // no bias, stride 2
                assertThat(strided.getShape()).isEqualTo(new Shape(2, cout, 4, 3));
            }
        }
    }

    /**
     * The UNet's conv_out has 4 filters. Unpadded, this test failed in 4 runs of 4 (a pass whose gradient was NaN or
     * differed from pass 0's); every pass must give the same finite gradient.
     */
    @Test
    void textStateGradientThroughTheUNetIsFiniteAndRepeatable() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.initialised(UNetConfig.of(List.of(48, 96), 2, 4, 64, 16, 16), m, 5);
            m.getEngine().setRandomSeed(3);
            NDArray z = m.randomNormal(new Shape(2, 4, 16, 16)), ctx = m.randomNormal(new Shape(2, 32, 64));
            NDArray t = m.create(new long[] {17, 801});
            float[] first = null;
            for (int pass = 0; pass < 100; pass++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray zs = z.duplicate(), c = ctx.duplicate();                     // the pass owns its inputs and intermediates
                    zs.attach(s);
                    c.attach(s);                                                          // [2, 32, 64] a leaf
                    c.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(unet.forward(zs, t, c).square().mean());
                    }
                    float[] g = c.getGradient().toFloatArray();
                    for (float v : g) assertThat(Float.isFinite(v)).as("pass %d: every gradient element finite", pass).isTrue();
                    if (first == null) first = g;
                    else assertThat(g).as("pass %d repeats pass 0", pass).containsExactly(first);
                }
            }
            assertThat(first).isNotNull();
        }
    }
}
