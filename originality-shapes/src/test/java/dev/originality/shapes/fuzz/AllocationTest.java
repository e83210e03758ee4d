package dev.originality.shapes.fuzz;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation bound fails input-driven allocation and forgives one-time costs. */
class AllocationTest {
    private static final long MIB = 1L << 20;
    private static final Allocation.Bound BOUND = new Allocation.Bound("AllocationTest", 2, MIB);
    private static volatile byte[] sink;

    @Test
    void allocationThatRecursFails() {
        byte[] input = new byte[16];
        AssertionError e = assertThrows(AssertionError.class,
                () -> Allocation.bounded(input, BOUND, data -> sink = new byte[(int) (4 * MIB)]));
        assertTrue(e.getMessage().contains("16-byte input"), e.getMessage());
        assertTrue(e.getMessage().contains("second run") && e.getMessage().contains("AllocationTest"), e.getMessage());
    }

    @Test
    void oneTimeCostIsForgiven() {
        boolean[] paid = {false};
        assertDoesNotThrow(() -> Allocation.bounded(new byte[16], BOUND, data -> {
            if (!paid[0]) sink = new byte[(int) (4 * MIB)]; // a first-run cost: class init, a cache
            paid[0] = true;
        }));
    }

    @Test
    void twiceTheInputIsAllowed() {
        byte[] input = new byte[(int) (2 * MIB)];
        assertDoesNotThrow(() -> Allocation.bounded(input, BOUND, data -> sink = data.clone()));
    }
}
