/**
 * Multi-token textual inversion (paper §3.1, §4, App. E): for one query image and a frozen text-to-image
 * model, learn sequences S*_m of m = 1..K new token embeddings, all lengths in one batch.
 *
 * <ul>
 *   <li>{@link dev.originality.inversion.InversionConfig}: K, steps, batch, lr, seed, init word, templates;
 *       presets tiny / cpu / paper (lr 5e-4, batch 20, 2000 steps, K = 5).</li>
 *   <li>{@link dev.originality.inversion.MultiTokenInversion}: the training loop (DDPM ε-MSE on the query's
 *       posterior-mean latents, uniform timesteps, AdamW on the placeholder vectors only); sequential mode
 *       with a per-length callback for early stopping.</li>
 *   <li>{@link dev.originality.inversion.LearnedEmbeddings}: diffusers learned_embeds / AUTOMATIC1111
 *       emb_params files, expansion to {@code GenerationRequest.injected}.</li>
 *   <li>{@link dev.originality.inversion.QueryImage}: centre crop + bicubic resize to the model's size.</li>
 * </ul>
 *
 * Init word: the shapes world defaults to "and" (frequent in captions, names no element property);
 * real images should use their domain word ("house", "painting"). Placeholder tokens of length m in a
 * batch are "&lt;sm*1&gt;" … "&lt;sm*m&gt;"; files store them under one base name "&lt;s*&gt;".
 */
package dev.originality.inversion;
