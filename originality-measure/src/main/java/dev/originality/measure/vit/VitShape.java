package dev.originality.measure.vit;

/**
 * The shape of a ViT image tower, shared by every family we load (DINO, OpenAI CLIP and OpenCLIP
 * in DreamSim's timm layout; transformers' CLIPVisionModel).
 *
 * @param imageSize    input side in pixels; the position table has 1 + (imageSize / patchSize)² rows
 * @param patchSize    patch side (the stride of the patch convolution)
 * @param width        token width C
 * @param depth        transformer blocks
 * @param heads        attention heads (C divisible by them)
 * @param mlpHidden    MLP hidden width
 * @param layerNormEps eps of every LayerNorm
 * @param quickGelu    OpenAI CLIP's x·σ(1.702x) MLP activation instead of exact GELU
 */
public record VitShape(int imageSize, int patchSize, int width, int depth, int heads, int mlpHidden, double layerNormEps,
                       boolean quickGelu) {
    public VitShape {
        if (imageSize < 1 || patchSize < 1 || width < 1 || depth < 1 || heads < 1 || mlpHidden < 1) {
            throw new IllegalArgumentException("vit: sizes must be positive, found image " + imageSize + ", patch " + patchSize
                    + ", width " + width + ", depth " + depth + ", heads " + heads + ", mlp " + mlpHidden);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("vit: image size " + imageSize + " must be a multiple of patch size " + patchSize);
        }
        if (width % heads != 0) throw new IllegalArgumentException("vit: width " + width + " must be divisible by heads " + heads);
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("vit: layer norm eps must be a finite number > 0, found " + layerNormEps);
        }
    }

    /** Tokens per image: the class token and one per patch. */
    public int tokens() {
        int side = imageSize / patchSize;
        return 1 + side * side;
    }
}
