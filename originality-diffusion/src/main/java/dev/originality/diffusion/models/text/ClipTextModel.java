package dev.originality.diffusion.models.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.originality.diffusion.io.SafeTensors;
import dev.originality.diffusion.nn.Ops;
import dev.originality.diffusion.nn.Weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLIP text encoder of Stable Diffusion (transformers' {@code CLIPTextModel}, 4.44 semantics):
 * token + position embeddings, pre-LN transformer blocks under a causal mask, a final LayerNorm,
 * and the pooled output at the EOS position. Weights are frozen — they never require gradients —
 * so under autograd only what the caller injects (textual-inversion vectors) receives gradients.
 * Every result belongs to the manager of the input it was computed from; the weights belong to the
 * manager they were loaded into.
 */
public final class ClipTextModel {
    /** transformers' causal mask value: the dtype's lowest finite number (float32 here). */
    private static final float MASKED = -Float.MAX_VALUE;

    private final ClipTextConfig config;
    private final NDArray tokenEmbedding;      // [V, C]
    private final NDArray positionEmbedding;   // [P, C]
    private final List<ClipEncoderLayer> layers;
    private final NDArray finalNormWeight;     // [C]
    private final NDArray finalNormBias;       // [C]

    /**
     * The encoder's outputs.
     *
     * @param lastHiddenState [B, L, C], after the final LayerNorm
     * @param pooled          [B, C], lastHiddenState at each row's EOS position
     * @param hiddenStates    numHiddenLayers + 1 arrays [B, L, C]: the embeddings, then each block's
     *                        output (before the final LayerNorm), as transformers' output_hidden_states
     */
    public record Output(NDArray lastHiddenState, NDArray pooled, List<NDArray> hiddenStates) {}

    /** Takes the tensors named {@code text_model.…} from {@code weights}; call {@code requireAllTaken} after. */
    public ClipTextModel(ClipTextConfig config, Weights weights) {
        this.config = config;
        long c = config.hiddenSize();
        Weights text = weights.at("text_model");
        Weights emb = text.at("embeddings");
        this.tokenEmbedding = emb.take("token_embedding.weight", config.vocabSize(), c);
        this.positionEmbedding = emb.take("position_embedding.weight", config.maxPositionEmbeddings(), c);
        // Older checkpoints store the position_ids buffer (arange); positions are always 0..L-1 here.
        if (emb.has("position_ids")) emb.take("position_ids", 1, config.maxPositionEmbeddings());
        List<ClipEncoderLayer> blocks = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            blocks.add(ClipEncoderLayer.load(text.at("encoder.layers", i), config));
        }
        this.layers = List.copyOf(blocks);
        this.finalNormWeight = text.take("final_layer_norm.weight", c);
        this.finalNormBias = text.take("final_layer_norm.bias", c);
        parameters().forEach((name, t) -> {
            if (t.hasGradient()) {
                throw new IllegalArgumentException("weight '" + name + "' requires a gradient; the text encoder's weights are frozen");
            }
        });
    }

    /**
     * Loads {@code config.json} and {@code model.safetensors} of a transformers folder (a diffusers
     * pipeline's {@code text_encoder/}); fails on a missing, unexpected or mis-shaped tensor. The
     * weights live in a sub-manager of {@code manager} (float32; F16/BF16 files are widened).
     */
    public static ClipTextModel load(Path textEncoderDir, NDManager manager) throws IOException {
        ClipTextConfig config = ClipTextConfig.read(requireFile(textEncoderDir.resolve("config.json")));
        Path file = requireFile(textEncoderDir.resolve("model.safetensors"));
        NDManager owner = manager.newSubManager();
        try {
            Weights weights = new Weights(SafeTensors.load(file, owner), file.toString());
            ClipTextModel model = new ClipTextModel(config, weights);
            weights.requireAllTaken();
            return model;
        } catch (RuntimeException | IOException e) {
            owner.close();
            throw e;
        }
    }

    public ClipTextConfig config() {
        return config;
    }

    /** inputIds: [B, L] int64 token ids below vocab_size. */
    public Output forward(NDArray inputIds) {
        return forwardEmbeddings(embed(inputIds, Map.of()), inputIds);
    }

    /**
     * Token embeddings [B, L, C] for inputIds [B, L] (int64): rows of the frozen table, except that
     * positions holding an id listed in {@code injected} take that id's vector [C] instead — the
     * textual-inversion entry point; gradients flow to those vectors and nowhere else. Injected ids
     * are normally added tokens (≥ vocab_size); an injected id below vocab_size overrides its row.
     */
    public NDArray embed(NDArray inputIds, Map<Long, NDArray> injected) {
        TokenIds ids = TokenIds.of(inputIds, config.maxPositionEmbeddings());
        List<Long> added = new ArrayList<>(new TreeMap<>(injected).keySet());
        for (Long id : added) checkVector(id, injected.get(id));
        int n = ids.ids().length;
        long[] lookup = ids.ids().clone();
        float[] keep = new float[n];
        float[][] select = new float[added.size()][n];
        for (int p = 0; p < n; p++) {
            int k = added.indexOf(lookup[p]);
            if (k >= 0) {
                select[k][p] = 1;
                lookup[p] = 0;                    // any valid row; masked out below
            } else if (lookup[p] < 0 || lookup[p] >= config.vocabSize()) {
                throw new IllegalArgumentException("input_ids[" + p / ids.length() + ", " + p % ids.length() + "] = "
                        + lookup[p] + " is outside the vocabulary 0.." + (config.vocabSize() - 1)
                        + " and has no injected vector (injected ids: " + added + ")");
            } else {
                keep[p] = 1;
            }
        }
        NDManager m = inputIds.getManager();
        Shape rows = new Shape(ids.batch(), ids.length());
        NDArray embeddings = lookup(m.create(lookup, rows), tokenEmbedding);                   // [B, L, C]
        if (added.isEmpty()) return embeddings;
        // table rows where kept, plus one-hot(position is id k) · vector_k: exact, and differentiable in the vectors
        Shape column = new Shape(ids.batch(), ids.length(), 1);
        NDArray out = embeddings.mul(onDevice(m.create(keep, column), embeddings));
        for (int k = 0; k < added.size(); k++) {
            NDArray where = onDevice(m.create(select[k], column), embeddings);                // [B, L, 1]
            out = out.add(where.mul(injected.get(added.get(k))));
        }
        return out;
    }

    /**
     * Runs the encoder on token embeddings [B, L, C] (from {@link #embed}); inputIds [B, L] only
     * locate each row's EOS token for the pooled output.
     */
    public Output forwardEmbeddings(NDArray tokenEmbeddings, NDArray inputIds) {
        TokenIds ids = TokenIds.of(inputIds, config.maxPositionEmbeddings());
        Shape expected = new Shape(ids.batch(), ids.length(), config.hiddenSize());
        if (!tokenEmbeddings.getShape().equals(expected)) {
            throw new IllegalArgumentException("token embeddings must have shape " + expected + " to match input_ids "
                    + inputIds.getShape() + ", found " + tokenEmbeddings.getShape());
        }
        NDManager m = tokenEmbeddings.getManager();
        int len = ids.length();
        long[] positionIds = new long[len];
        for (int i = 0; i < len; i++) positionIds[i] = i;
        NDArray positions = lookup(m.create(positionIds), positionEmbedding);                  // [L, C]
        NDArray x = tokenEmbeddings.add(onDevice(positions, tokenEmbeddings));                 // [B, L, C]

        NDArray mask = onDevice(m.create(causalMask(len), new Shape(1, 1, len, len)), x);     // [1, 1, L, L]
        List<NDArray> hidden = new ArrayList<>(layers.size() + 1);
        hidden.add(x);
        for (ClipEncoderLayer layer : layers) {
            x = layer.forward(x, mask);
            hidden.add(x);
        }
        NDArray last = Ops.layerNorm(x, finalNormWeight, finalNormBias, config.layerNormEps());

        int[] eos = ids.eosPositions(config.eosTokenId());
        NDList pooledRows = new NDList(eos.length);
        for (int b = 0; b < eos.length; b++) pooledRows.add(last.get(b, eos[b]));             // [C]
        return new Output(last, NDArrays.stack(pooledRows), Collections.unmodifiableList(hidden));
    }

    /** Every weight under its transformers name (frozen; for inspection and saving). */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("text_model.embeddings.token_embedding.weight", tokenEmbedding);
        p.put("text_model.embeddings.position_embedding.weight", positionEmbedding);
        for (int i = 0; i < layers.size(); i++) {
            String prefix = "text_model.encoder.layers." + i + ".";
            layers.get(i).parameters().forEach((name, t) -> p.put(prefix + name, t));
        }
        p.put("text_model.final_layer_norm.weight", finalNormWeight);
        p.put("text_model.final_layer_norm.bias", finalNormBias);
        return Collections.unmodifiableMap(p);
    }

    /** ids: [...] int64 → table rows [..., C]; the result belongs to the ids' manager. */
    private static NDArray lookup(NDArray ids, NDArray table) {
        return Embedding.embedding(onDevice(ids, table), table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** 0 where a query may see a key (key ≤ query), {@link #MASKED} above the diagonal. [L·L] row-major. */
    private static float[] causalMask(int len) {
        float[] mask = new float[len * len];
        for (int q = 0; q < len; q++) {
            for (int k = q + 1; k < len; k++) mask[q * len + k] = MASKED;
        }
        return mask;
    }

    private void checkVector(Long id, NDArray v) {
        if (id == null || v == null) throw new IllegalArgumentException("injected ids and vectors must not be null");
        if (!v.getShape().equals(new Shape(config.hiddenSize()))) {
            throw new IllegalArgumentException("injected vector for id " + id + " must have shape (" + config.hiddenSize()
                    + "), found " + v.getShape());
        }
        if (v.getDataType() != tokenEmbedding.getDataType()) {
            throw new IllegalArgumentException("injected vector for id " + id + " must be " + tokenEmbedding.getDataType()
                    + ", found " + v.getDataType());
        }
    }

    private static NDArray onDevice(NDArray x, NDArray like) {
        return x.toDevice(like.getDevice(), false);
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("expected a file at " + file + ", found none");
        return file;
    }
}
