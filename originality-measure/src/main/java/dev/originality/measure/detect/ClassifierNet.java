package dev.originality.measure.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;

/** The classifier's forward pass as a plain function of its weights (see {@link ClassifierConfig}). */
public record ClassifierNet(ClassifierConfig config,
                            NDArray conv1W, NDArray conv1B,   // [C1, 1, 3, 3], [C1]
                            NDArray conv2W, NDArray conv2B,   // [C2, C1, 3, 3], [C2]
                            NDArray conv3W, NDArray conv3B,   // [C3, C2, 3, 3], [C3]
                            NDArray fcW, NDArray fcB,         // [hidden, C3·(n/8)²], [hidden]
                            NDArray headW, NDArray headB) {   // [10, hidden], [10]

    /** Takes every tensor by name and shape; fails on a missing, extra or mis-shaped one. */
    public static ClassifierNet of(ClassifierConfig c, Weights w) {
        java.util.Map<String, long[]> s = c.parameterShapes();
        ClassifierNet net = new ClassifierNet(c,
                w.take("conv1.weight", s.get("conv1.weight")), w.take("conv1.bias", s.get("conv1.bias")),
                w.take("conv2.weight", s.get("conv2.weight")), w.take("conv2.bias", s.get("conv2.bias")),
                w.take("conv3.weight", s.get("conv3.weight")), w.take("conv3.bias", s.get("conv3.bias")),
                w.take("fc.weight", s.get("fc.weight")), w.take("fc.bias", s.get("fc.bias")),
                w.take("head.weight", s.get("head.weight")), w.take("head.bias", s.get("head.bias")));
        w.requireAllTaken();
        return net;
    }

    /** x: [B, 1, n, n] crops → [B, 10] logits. */
    public NDArray logits(NDArray x) {
        NDArray h = stage(x, conv1W, conv1B);                              // [B, C1, n/2, n/2]
        h = stage(h, conv2W, conv2B);                                      // [B, C2, n/4, n/4]
        h = stage(h, conv3W, conv3B);                                      // [B, C3, n/8, n/8]
        h = h.reshape(h.getShape().get(0), config.flatFeatures());         // [B, C3·(n/8)²]
        h = Activation.relu(Ops.linear(h, fcW, fcB));                      // [B, hidden]
        return Ops.linear(h, headW, headB);                                // [B, 10]
    }

    private static NDArray stage(NDArray x, NDArray w, NDArray b) {
        NDArray h = Activation.relu(Ops.conv2d(x, w, b, 1, 1));
        return Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }
}
