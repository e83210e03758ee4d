package dev.originality.measure.dreamsim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pickles that reuse one memoised object many times: a few bytes per reuse, but each reuse copies it. Unchecked,
 * a 10 KB file made the reader build millions of map entries (hundreds of MB for a few MB file); the reader's
 * element budget refuses it, within the fuzz target's allocation bound (2 x the input + a fixed amount).
 */
class TorchPickleBudgetTest {
    /** OrderedDict(pairs) called {@code calls} times on one memoised list of {@code pairs} distinct pairs. */
    static byte[] reusedOrderedDict(int pairs, int calls) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2});
        b.writeBytes("ccollections\nOrderedDict\n".getBytes());
        b.writeBytes(new byte[] {'q', 0, '0', ']'});                      // memo 0 = the callable; a list on the stack
        for (int i = 0; i < pairs; i++) {                                   // (i, 0) appended: 7 bytes a pair
            b.writeBytes(new byte[] {'M', (byte) i, (byte) (i >> 8), 'K', 0, (byte) 0x86, 'a'});
        }
        b.writeBytes(new byte[] {(byte) 0x85, 'q', 1, '0'});               // memo 1 = (list,)
        for (int i = 0; i < calls; i++) b.writeBytes(new byte[] {'h', 0, 'h', 1, 'R', '0'});   // OrderedDict(list): 6 bytes
        b.writeBytes(new byte[] {'N', '.'});
        return b.toByteArray();
    }

    @Test
    void smallReuseIsRead() {
        assertThat(TorchPickle.read(reusedOrderedDict(3, 2), "p", pid -> null)).isNull();
    }

    @Test
    void reuseBeyondTheBudgetIsRefusedWithOneLine() {
        byte[] pickle = reusedOrderedDict(2_000, 2_000);                   // 26 KB asking for 4 million entries
        assertThatThrownBy(() -> TorchPickle.read(pickle, "p", pid -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("p: malformed pickle: builds more than " + TorchPickle.MAX_ELEMENTS);
    }

    @Test
    void reuseStaysWithinTheFuzzTargetsAllocationBound() throws Exception {
        for (int[] shape : new int[][] {{500, 500}, {2_000, 2_000}, {60_000, 8}, {4, 60_000}}) {
            TorchPickleFuzzTest.fuzzerTestOneInput(reusedOrderedDict(shape[0], shape[1]));   // AssertionError when over
        }
    }

    /**
     * t0 = (1,), t(i+1) = (t(i), t(i)): 30 levels in ~200 bytes, 2^30 leaves. As a dict key it must be refused after a
     * budget's worth of visits, not walked (unbounded, the key check and hashCode each visit every leaf).
     */
    @Test
    void sharedNestedTupleAsAKeyIsRefusedNotWalked() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x80, 2, '}', 'K', 1, (byte) 0x85});           // {} and (1,) on the stack
        for (int i = 0; i < 30; i++) b.writeBytes(new byte[] {'2', (byte) 0x86});          // DUP, TUPLE2
        b.writeBytes(new byte[] {'K', 0, 's', '.'});                                       // {t30: 0}
        assertThatThrownBy(() -> TorchPickle.read(b.toByteArray(), "p", pid -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("p: malformed pickle: builds more than " + TorchPickle.MAX_ELEMENTS);
    }
}
