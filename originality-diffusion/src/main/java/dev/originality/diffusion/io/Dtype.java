package dev.originality.diffusion.io;

import ai.djl.ndarray.types.DataType;

/**
 * Element types of the safetensors format. Declared in the reference implementation's order
 * (increasing alignment): its writer lays tensors out by descending {@link #ordinal()}, then by
 * name, and {@link SafeTensors#save} does the same so that our files match byte for byte.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int width;

    Dtype(int width) {
        this.width = width;
    }

    /** Bytes per element. */
    public int width() {
        return width;
    }

    public boolean isFloat() {
        return switch (this) {
            case F8_E5M2, F8_E4M3, F16, BF16, F32, F64 -> true;
            default -> false;
        };
    }

    /** The header spelling ({@code "F16"}) to a dtype, or null when the format has no such dtype. */
    static Dtype parse(String name) {
        for (Dtype d : values()) if (d.name().equals(name)) return d;
        return null;
    }

    /**
     * The DJL type an array of this dtype is created with. BF16 has none here: DJL 0.33's PyTorch
     * engine aborts the JVM on BF16 arrays, so BF16 is only ever handed to DJL widened to float32.
     */
    DataType djl() {
        return switch (this) {
            case BOOL -> DataType.BOOLEAN;
            case U8 -> DataType.UINT8;
            case I8 -> DataType.INT8;
            case I32 -> DataType.INT32;
            case I64 -> DataType.INT64;
            case F16 -> DataType.FLOAT16;
            case F32 -> DataType.FLOAT32;
            case F64 -> DataType.FLOAT64;
            default -> null;
        };
    }

    /** The dtype an NDArray of type {@code t} is stored as, or null when safetensors has none. */
    static Dtype of(DataType t) {
        return switch (t) {
            case BOOLEAN -> BOOL;
            case UINT8 -> U8;
            case INT8 -> I8;
            case INT16 -> I16;
            case UINT16 -> U16;
            case FLOAT16 -> F16;
            case BFLOAT16 -> BF16;
            case INT32 -> I32;
            case UINT32 -> U32;
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT64 -> I64;
            case UINT64 -> U64;
            default -> null;
        };
    }
}
