package dev.originality.diffusion.io;

import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * One header entry of a safetensors file: name, element type, shape and the byte range
 * {@code [begin, end)} of its data, relative to the start of the data region. Validated by the
 * reader: {@code end - begin == elementCount() * dtype.width()}.
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public Shape djlShape() {
        return new Shape(shape);
    }

    /** Product of the dimensions (1 for a scalar); the reader has checked it cannot overflow. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "'" + name + "' " + dtype + " " + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
