/**
 * Files users already have, read and written losslessly: safetensors ({@link
 * dev.originality.diffusion.io.SafeTensors}: {@code load} widened to float32 for the models,
 * {@code read} for stored dtypes, {@code save} in the reference writer's layout) and diffusers
 * pipeline folders ({@link dev.originality.diffusion.io.DiffusersFolder} to open and copy,
 * {@link dev.originality.diffusion.io.DiffusersWriter} to write a new one, configs as Python's
 * json.dumps writes them via {@link dev.originality.diffusion.io.PythonJson}). Malformed input is
 * one {@link java.lang.IllegalArgumentException} naming the file and the entry; writes go to a
 * temporary file or staging folder that is renamed into place.
 */
package dev.originality.diffusion.io;
