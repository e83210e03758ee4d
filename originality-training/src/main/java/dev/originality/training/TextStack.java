package dev.originality.training;

import ai.djl.ndarray.NDManager;
import dev.originality.diffusion.models.text.ClipTextConfig;
import dev.originality.diffusion.models.text.ClipTextModel;
import dev.originality.diffusion.nn.Weights;
import dev.originality.diffusion.tokenizer.BpeTrainer;
import dev.originality.diffusion.tokenizer.ClipTokenizer;
import dev.originality.diffusion.tokenizer.ClipTokenizerConfig;

import java.util.List;

/**
 * The synthetic model's text side, made from scratch: a byte-level BPE vocabulary learned from the
 * captions (every caption word one token) and a small CLIPTextModel-architecture encoder. CLIP's
 * architecture, not BERT as in the paper, keeps our folders loadable by diffusers unchanged; trained
 * from scratch it carries no visual pretraining, which is why the paper avoided CLIP.
 */
record TextStack(ClipTokenizer tokenizer, ClipTextModel encoder) {

    static ClipTokenizer tokenizer(List<String> captions, TrainPreset p) {
        ClipTokenizerConfig c = ClipTokenizerConfig.CLIP;
        return BpeTrainer.train(captions, p.textVocab(),
                new ClipTokenizerConfig(p.textMaxLength(), c.bosToken(), c.eosToken(), c.padToken(), c.unkToken()));
    }

    static ClipTextConfig config(ClipTokenizer tok, TrainPreset p) {
        return ClipTextConfig.builder()
                .vocabSize(tok.size()).hiddenSize(p.textHidden()).intermediateSize(4 * p.textHidden())
                .numHiddenLayers(p.textLayers()).numAttentionHeads(p.textHeads()).maxPositionEmbeddings(p.textMaxLength())
                .bosTokenId(tok.bosId()).eosTokenId(tok.eosId()).padTokenId(tok.padId()).projectionDim(null)
                .build();
    }

    static TextStack create(List<String> captions, TrainPreset p, NDManager m, long seed) {
        ClipTokenizer tok = tokenizer(captions, p);
        Weights w = Weights.fresh(m, seed, "text_encoder (new)");
        ClipTextModel enc = new ClipTextModel(config(tok, p), w);
        w.requireAllTaken();
        return new TextStack(tok, enc);
    }
}
