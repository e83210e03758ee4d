package dev.originality.diffusion.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor as safetensors stores it: dtype, shape and its little-endian bytes, untouched. The way
 * to carry dtypes DJL cannot hold (BF16 above all) through a read and a write.
 */
public record RawTensor(Dtype dtype, long[] shape, ByteBuffer data) { // data: elementCount * width bytes
    public RawTensor {
        shape = shape.clone();
        data = data.slice().asReadOnlyBuffer();
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("raw tensor: negative dimension in " + Arrays.toString(shape));
            count = Math.multiplyExact(count, d);
        }
        if (data.remaining() != Math.multiplyExact(count, dtype.width())) {
            throw new IllegalArgumentException("raw tensor " + dtype + " " + Arrays.toString(shape) + ": expected "
                    + count * dtype.width() + " bytes, found " + data.remaining());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A fresh read-only view of the bytes (position 0), safe to consume. */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }
}
