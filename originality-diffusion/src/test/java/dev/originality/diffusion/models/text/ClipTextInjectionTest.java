package dev.originality.diffusion.models.text;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The textual-inversion entry points: injected token vectors, and gradients that reach only them. */
class ClipTextInjectionTest {
    static final Path SD_TINY_TEXT = Path.of("src/test/resources/fixtures/sd-tiny/pipeline/text_encoder");
    static final long ADDED = 657;            // the first id after sd-tiny's vocabulary
    static final int POSITION = 3;            // where the added token replaces "of" in the prompt
    /** "<|startoftext|> a photo of an astronaut riding a horse on mars <|endoftext|>" padded to 16. */
    static final long[] PROMPT = {655, 320, 632, 513, 517, 568, 636, 320, 604, 525, 616, 656, 656, 656, 656, 656};

    @Test
    void injectedPositionsTakeTheirVectorAndOthersTheTableRow() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(SD_TINY_TEXT, m);
            // Two rows, two added tokens: 657 in both rows, 658 only in the second.
            long[] tokens = new long[2 * PROMPT.length];
            System.arraycopy(PROMPT, 0, tokens, 0, PROMPT.length);
            System.arraycopy(PROMPT, 0, tokens, PROMPT.length, PROMPT.length);
            tokens[POSITION] = ADDED;
            tokens[PROMPT.length + 1] = ADDED + 1;
            tokens[PROMPT.length + 2] = ADDED;
            NDArray ids = m.create(tokens, new Shape(2, PROMPT.length));
            Map<Long, NDArray> injected = Map.of(ADDED, m.randomNormal(new Shape(32)), ADDED + 1, m.randomNormal(new Shape(32)));
            float[] embedded = model.embed(ids, injected).toFloatArray();
            float[] table = model.parameters().get("text_model.embeddings.token_embedding.weight").toFloatArray();
            for (int p = 0; p < tokens.length; p++) {
                float[] row = injected.containsKey(tokens[p]) ? injected.get(tokens[p]).toFloatArray() : null;
                for (int c = 0; c < 32; c++) {
                    float want = row != null ? row[c] : table[(int) tokens[p] * 32 + c];
                    assertThat(embedded[p * 32 + c]).as("token %d channel %d", p, c).isEqualTo(want);
                }
            }
            // Without injection, forward is embed + forwardEmbeddings of the plain prompt.
            NDArray plain = m.create(PROMPT, new Shape(1, PROMPT.length));
            assertThat(model.forwardEmbeddings(model.embed(plain, Map.of()), plain).lastHiddenState().toFloatArray())
                    .containsExactly(model.forward(plain).lastHiddenState().toFloatArray());
        }
    }

    @Test
    void rejectsMissingOrMisshapedInjectedVectors() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(SD_TINY_TEXT, m);
            NDArray ids = promptWithAddedToken(m);
            assertThatThrownBy(() -> model.embed(ids, Map.of(ADDED + 1, m.zeros(new Shape(32)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input_ids[0, 3] = 657 is outside the vocabulary 0..656 and has no injected vector");
            assertThatThrownBy(() -> model.embed(ids, Map.of(ADDED, m.zeros(new Shape(1, 32)))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("injected vector for id 657 must have shape (32), found (1, 32)");
            NDArray embeddings = model.embed(ids, Map.of(ADDED, m.zeros(new Shape(32))));
            assertThatThrownBy(() -> model.forwardEmbeddings(embeddings.get("..., :16"), ids))
                    .hasMessageContaining("token embeddings must have shape (1, 16, 32) to match input_ids (1, 16), found (1, 16, 16)");
        }
    }

    /**
     * loss = Σ last_hidden_state ⊙ R + Σ pooled ⊙ S: the autograd gradient with respect to the
     * injected vector equals central finite differences, and no weight requires or receives a gradient.
     */
    @Test
    void gradientReachesTheInjectedVectorAndMatchesFiniteDifferences() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(SD_TINY_TEXT, m);
            NDArray ids = promptWithAddedToken(m);
            Random random = new Random(42);
            double[] r = gaussian(random, PROMPT.length * 32), s = gaussian(random, 32);
            // Start from a real token's row ("of") plus noise, so the vector has the table's scale.
            float[] table = model.parameters().get("text_model.embeddings.token_embedding.weight").toFloatArray();
            float[] v = new float[32];
            for (int c = 0; c < 32; c++) v[c] = table[(int) PROMPT[POSITION] * 32 + c] + (float) (0.01 * random.nextGaussian());

            float[] autograd;
            try (NDManager step = m.newSubManager()) {
                NDArray vector = step.create(v);
                vector.setRequiresGradient(true);
                NDArray stepIds = ids.duplicate();
                stepIds.attach(step);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ClipTextModel.Output out = model.forwardEmbeddings(model.embed(stepIds, Map.of(ADDED, vector)), stepIds);
                    NDArray loss = out.lastHiddenState().mul(toArray(step, r, new Shape(1, PROMPT.length, 32))).sum()
                            .add(out.pooled().mul(toArray(step, s, new Shape(1, 32))).sum());
                    gc.backward(loss);
                }
                autograd = vector.getGradient().toFloatArray();
            }

            double h = 1e-3, num = 0, den = 0;
            for (int c = 0; c < 32; c++) {
                float[] plus = v.clone(), minus = v.clone();
                plus[c] += (float) h;
                minus[c] -= (float) h;
                double step = (double) plus[c] - minus[c];   // the step float32 actually took
                double fd = (hostLoss(model, m, ids, plus, r, s) - hostLoss(model, m, ids, minus, r, s)) / step;
                num += (autograd[c] - fd) * (autograd[c] - fd);
                den += fd * fd;
            }
            double relative = Math.sqrt(num / den);
            System.out.printf("injected-vector gradient: |g| = %.4g, relative error vs finite differences = %.3g%n",
                    Math.sqrt(den), relative);
            assertThat(den).isGreaterThan(0);
            assertThat(relative).isLessThanOrEqualTo(1e-2);

            model.parameters().forEach((name, w) -> {
                assertThat(JniUtils.requiresGrad((PtNDArray) w)).as(name + " requires grad").isFalse();
                assertThat(JniUtils.getGradient((PtNDArray) w)).as(name + " .grad").isNull();
            });
        }
    }

    /** The loss of the test above for one vector, summed in float64 on the host. */
    private static double hostLoss(ClipTextModel model, NDManager m, NDArray ids, float[] v, double[] r, double[] s) {
        try (NDManager step = m.newSubManager()) {
            ClipTextModel.Output out = model.forwardEmbeddings(model.embed(ids, Map.of(ADDED, step.create(v))), ids);
            float[] last = out.lastHiddenState().toFloatArray(), pooled = out.pooled().toFloatArray();
            double loss = 0;
            for (int i = 0; i < last.length; i++) loss += last[i] * r[i];
            for (int i = 0; i < pooled.length; i++) loss += pooled[i] * s[i];
            return loss;
        }
    }

    static NDArray promptWithAddedToken(NDManager m) {
        long[] ids = PROMPT.clone();
        ids[POSITION] = ADDED;
        return m.create(ids, new Shape(1, ids.length));
    }

    private static double[] gaussian(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = random.nextGaussian();
        return x;
    }

    private static NDArray toArray(NDManager m, double[] x, Shape shape) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return m.create(f, shape);
    }
}
