package dev.originality.measure.dreamsim;

import dev.originality.diffusion.io.Dtype;
import dev.originality.diffusion.io.RawTensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor rebuilt from a PyTorch checkpoint: a strided view into one storage, read when its data
 * is asked for (checkpoints of ViT-B are hundreds of MB).
 *
 * @param offset storage_offset, in elements
 */
public record TorchTensor(Storage storage, long offset, long[] shape, long[] stride) {

    /** One storage of a checkpoint: {@code numel} elements of {@code dtype}, stored under {@code key}. */
    public record Storage(Dtype dtype, String key, long numel, Bytes bytes) {}

    /** Reads a storage's little-endian bytes. */
    @FunctionalInterface
    public interface Bytes {
        ByteBuffer read(String key, long length) throws IOException;
    }

    public TorchTensor {
        shape = shape.clone();
        stride = stride.clone();
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("tensor: size " + Arrays.toString(shape) + " and stride " + Arrays.toString(stride) + " differ in rank");
        }
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || stride[d] < 0) throw new IllegalArgumentException("tensor: negative size or stride " + Arrays.toString(shape) + " " + Arrays.toString(stride));
            if (shape[d] == 0) last = -1;
            if (last >= 0) last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
        }
        if (offset < 0 || last >= storage.numel()) {
            throw new IllegalArgumentException("tensor: view (offset " + offset + ", size " + Arrays.toString(shape) + ", stride "
                    + Arrays.toString(stride) + ") reaches element " + last + " of storage '" + storage.key() + "' with " + storage.numel() + " elements");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    public Dtype dtype() {
        return storage.dtype();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** The elements in row-major order, as stored (dtype and bytes unchanged). */
    public RawTensor toRaw() {
        int width = storage.dtype().width();
        ByteBuffer all;
        try {
            all = storage.bytes().read(storage.key(), Math.multiplyExact(storage.numel(), width)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("reading storage '" + storage.key() + "': " + e.getMessage(), e);
        }
        int length = Math.toIntExact(Math.multiplyExact(numel(), width));
        if (isContiguous()) return new RawTensor(storage.dtype(), shape, all.slice(Math.toIntExact(offset * width), length));
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[shape.length];
        for (long n = numel(); n > 0; n--) {
            long element = offset;
            for (int d = 0; d < shape.length; d++) element += index[d] * stride[d];
            out.put(all.slice(Math.toIntExact(element * width), width));
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0; // odometer
        }
        return new RawTensor(storage.dtype(), shape, out.flip());
    }

    /** Whether the view is the row-major layout of its elements (most state-dict tensors). */
    boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The elements in row-major order as float32 (F16, BF16 and F64 converted). */
    public float[] toFloats() {
        return floats(toRaw(), "tensor of storage '" + storage.key() + "'");
    }

    /** A raw floating-point tensor's elements as float32; {@code what} names it in the error for other dtypes. */
    static float[] floats(RawTensor raw, String what) {
        ByteBuffer b = raw.data().order(ByteOrder.LITTLE_ENDIAN);
        int width = raw.dtype().width();
        float[] out = new float[b.remaining() / width];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (raw.dtype()) {
                case F32 -> b.getFloat();
                case F64 -> (float) b.getDouble();
                case F16 -> halfToFloat(b.getShort());
                case BF16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                default -> throw new IllegalArgumentException(what + " is " + raw.dtype()
                        + ", expected a floating-point tensor (F32, F16, BF16 or F64)");
            };
        }
        return out;
    }

    /** IEEE 754 binary16 → float32 (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | mant << 13);         // inf / NaN
        if (exp == 0) return (sign != 0 ? -1 : 1) * mant * 0x1p-24f;                            // zero / subnormal
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }
}
