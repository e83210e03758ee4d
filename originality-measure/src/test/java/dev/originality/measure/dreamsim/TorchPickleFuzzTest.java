package dev.originality.measure.dreamsim;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.diffusion.io.Dtype;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target: the restricted unpickler ({@link TorchPickle#read}) on arbitrary bytes. It returns plain data
 * (maps, lists, strings, numbers, tensors whose views stay inside their storage) or refuses with our message naming
 * the input; any other exception, a hang or running out of memory is a finding. Storages are served from memory
 * (float32 zeros, at most 2^16 elements) so that tensors can be read back. Seeds: TorchPickleFuzzTestInputs/pickle/;
 * long run: {@code bench/fuzz.sh TorchPickleFuzzTest}.
 */
public class TorchPickleFuzzTest {
    static final String WHERE = "fuzz pickle";

    /**
     * The heap one execution may allocate ({@link Allocation}): twice the input (strings and bytes copied out of it)
     * plus a fixed amount, issue #7's form. The fixed part is the reader's element budget at 128 bytes an element
     * (an OrderedDict entry measured 57: TorchPickleBudgetTest) and 1 MiB of parser state.
     */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("TorchPickleFuzzTest", 2, TorchPickle.MAX_ELEMENTS * 128 + (1L << 20));

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, TorchPickleFuzzTest::readOne);
    }

    private static void readOne(byte[] data) {
        try {
            Object root = TorchPickle.read(data, WHERE, pid -> {
                Object numel = pid.size() == 5 ? pid.get(4) : null;
                if (!(numel instanceof Long n) || n < 0 || n > 1 << 16) throw new IllegalArgumentException(WHERE + ": storage size " + numel);
                Dtype dtype = TorchPickle.storageType(pid.get(1));
                if (dtype == null) throw new IllegalArgumentException(WHERE + ": no storage type");
                // The key must be a string, as TorchCheckpoint requires (String.valueOf of a fuzzed key, e.g. a list
                // of tensors, rendered it at hundreds of bytes per input byte: the harness's allocation, not the reader's).
                if (!(pid.get(2) instanceof String key)) throw new IllegalArgumentException(WHERE + ": storage key is not a string");
                return new TorchTensor.Storage(dtype, key, n, (k, len) -> {
                    // Stand-in storage bytes are file bytes in a real checkpoint: twice them (served, and the
                    // tensor's copy) do not count against the pickle's bound.
                    Allocation.allow(2 * len);
                    return ByteBuffer.allocate((int) len);
                });
            });
            walk(root, new IdentityHashMap<>());
        } catch (IllegalArgumentException e) {
            Expected.check(e, WHERE);
        }
    }

    /** Visits what the pickle built; every tensor's data must be readable. Cycles are visited once. */
    static void walk(Object o, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) return;
        if (o instanceof Map<?, ?> m) m.forEach((k, v) -> { walk(k, seen); walk(v, seen); });
        else if (o instanceof List<?> l) l.forEach(x -> walk(x, seen));
        else if (o instanceof TorchTensor t) {
            long n = 1;
            for (long d : t.shape()) n *= d;
            if (n <= 1 << 16 && t.toRaw().data().remaining() != n * t.dtype().width()) throw new AssertionError("tensor bytes");
        }
    }

    @FuzzTest
    void pickle(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
