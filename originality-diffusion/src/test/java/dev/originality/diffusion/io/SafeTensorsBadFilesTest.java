package dev.originality.diffusion.io;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Crafted malformed files: each is one clear IllegalArgumentException, found before any large allocation. */
class SafeTensorsBadFilesTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/sd-tiny/pipeline/text_encoder/model.safetensors");
    /** Heap plus direct memory a rejected read may allocate: the tiny headers here need far less. */
    static final long ALLOCATION_LIMIT = 2L << 20;
    @TempDir
    Path tmp;

    @Test
    void truncatedFiles() throws IOException {
        byte[] good = Files.readAllBytes(FIXTURE);
        assertRejected(write("short.safetensors", Arrays.copyOf(good, 5)), "expected at least 8 bytes", "found 5");
        assertRejected(write("cut-header.safetensors", Arrays.copyOf(good, 100)), "header length 3976 is larger than the 92 bytes");
        // Cut inside the data: the last tensor (by offset) now runs past the end.
        assertRejected(write("cut-data.safetensors", Arrays.copyOf(good, good.length - 100)),
                "tensor 'text_model.final_layer_norm.weight'", "beyond the data region of 148420 bytes", "truncated");
    }

    @Test
    void headerLengthBeyondFileOrLimit() throws IOException {
        assertRejected(withLength("long.safetensors", 1000, "{}", 0), "header length 1000 is larger than the 2 bytes");
        // Under the format's limit but past the file: must fail before allocating the 99 MB.
        assertRejected(withLength("big.safetensors", 99_000_000, "{}", 0), "header length 99000000 is larger than the 2 bytes");
        assertRejected(withLength("huge.safetensors", 1L << 40, "{}", 0), "header length 1099511627776 exceeds", "100000000");
        assertRejected(withLength("unsigned.safetensors", -1L, "{}", 0), "header length 18446744073709551615 exceeds");
    }

    @Test
    void offsetsOutOfRangeOverlappingOrLeavingHoles() throws IOException {
        assertRejected(file("range", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "tensor 'a' has data_offsets [0, 8] beyond the data region of 4 bytes");
        assertRejected(file("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)");
        assertRejected(file("same", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "overlaps");
        assertRejected(file("hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "bytes [4, 8)", "hole before tensor 'b'");
        assertRejected(file("start", "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "bytes [0, 4)");
        assertRejected(file("trailing", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "data region has 8 bytes but the tensors cover only 4", "'a'");
        assertRejected(file("reversed", "{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4), "'a'", "[4, 0]");
    }

    @Test
    void hugeDeclaredShapesInATinyFile() throws IOException {
        // Offsets consistent with the shape, far beyond the file: rejected before reading a byte of data.
        assertRejected(file("huge", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000,1000],\"data_offsets\":[0,4000000000000000]}}", 16),
                "tensor 'w'", "beyond the data region of 16 bytes");
        assertRejected(file("mismatch", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'", "needs 4000000000000 bytes", "span 16");
        assertRejected(file("overflow", "{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'", "overflows");
        assertRejected(file("bigint", "{\"w\":{\"dtype\":\"U8\",\"shape\":[99999999999999999999],\"data_offsets\":[0,1]}}", 1),
                "tensor 'w'", "non-negative 64-bit integers", "99999999999999999999");
        assertRejected(file("rank", "{\"w\":{\"dtype\":\"U8\",\"shape\":[" + "1,".repeat(100) + "1],\"data_offsets\":[0,1]}}", 1),
                "tensor 'w'", "more than 64 entries");
    }

    @Test
    void malformedEntries() throws IOException {
        assertRejected(file("dup", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "tensor 'a' appears twice");
        assertRejected(file("scalar", "{\"a\":3}", 0), "tensor 'a'", "expected an object", "VALUE_NUMBER_INT");
        assertRejected(file("dtype", "{\"a\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unsupported dtype 'F17'");
        assertRejected(file("negative", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "tensor 'a'", "-1");
        assertRejected(file("fraction", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2.5],\"data_offsets\":[0,2]}}", 2), "tensor 'a'", "2.5");
        assertRejected(file("missing", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1), "tensor 'a'", "no data_offsets");
        assertRejected(file("extra", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1), "unexpected field 'x'");
        assertRejected(file("offsets3", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 1), "'data_offsets'");
        assertRejected(file("json", "{\"a\":", 0), "not valid JSON");
        assertRejected(file("array", "[1,2]", 0), "not a JSON object");
        assertRejected(file("twice", "{}{}", 0), "content after");
        assertRejected(write("utf8.safetensors", withHeader(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '3', '}'}, 0)), "not valid UTF-8");
    }

    @Test
    void metadataMustMapStringsToStrings() throws IOException {
        assertRejected(file("meta-number", "{\"__metadata__\":{\"format\":1}}", 0), "'__metadata__' must map strings to strings", "'format'");
        assertRejected(file("meta-array", "{\"__metadata__\":[\"pt\"]}", 0), "'__metadata__' must be an object");
        assertRejected(file("meta-nested", "{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0), "'a'");
        assertRejected(file("meta-twice", "{\"__metadata__\":{},\"__metadata__\":{}}", 0), "'__metadata__' twice");
        // Valid edge cases still read: null metadata, no tensors, a zero-size and a scalar tensor.
        SafeTensorsFile f = SafeTensors.read(file("ok", "{\"__metadata__\":null,\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4));
        assertThat(f.metadata()).isEmpty();
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(f.load("e", m).getShape().getShape()).containsExactly(0, 3);
            assertThat(f.load("s", m).getFloat()).isEqualTo(0f);
        }
    }

    /** The reader must throw one IllegalArgumentException naming the file, with little allocation. */
    private void assertRejected(Path file, String... fragments) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContainingAll(fragments);
        // Measured on a second read, once classes are loaded: what the reader itself allocates.
        long heapBefore = threads.getCurrentThreadAllocatedBytes(), directBefore = directBytes();
        try {
            SafeTensors.read(file);
        } catch (IllegalArgumentException | IOException expected) {
            // rejected again
        }
        long heap = threads.getCurrentThreadAllocatedBytes() - heapBefore, direct = directBytes() - directBefore;
        assertThat(heap + direct).as("bytes allocated rejecting %s", file.getFileName()).isLessThan(ALLOCATION_LIMIT);
        // SafeTensors.load, which the model loaders call, goes through the same checks.
        assertThatThrownBy(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                SafeTensors.load(file, m);
            }
        }).isInstanceOf(IllegalArgumentException.class);
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getTotalCapacity).sum();
    }

    private Path file(String name, String header, int dataBytes) throws IOException {
        return write(name + ".safetensors", withHeader(header.getBytes(StandardCharsets.UTF_8), dataBytes));
    }

    private Path withLength(String name, long declared, String header, int dataBytes) throws IOException {
        byte[] bytes = withHeader(header.getBytes(StandardCharsets.UTF_8), dataBytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, declared);
        return write(name, bytes);
    }

    private static byte[] withHeader(byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }
}
