package dev.originality.shapes.fuzz;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readers' allocation bound (issue #7): no input may make a reader allocate more than twice its
 * size plus a fixed bound per reader. Measured on the Java heap with the JVM's per-thread allocation
 * counter around each fuzz execution (native tensors come from byte ranges already checked against the
 * file size). The first {@link #WARM_UP} executions are not held to the bound, because they load and
 * initialise classes (ImageIO's plugin registry alone is megabytes), but are still counted in the
 * maximum. At exit one line is printed: {@code allocation: ...}, which bench/fuzz.sh reports.
 */
public final class Allocation {
    public static final int WARM_UP = 200;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong MAX_EXCESS = new AtomicLong(Long.MIN_VALUE);
    private static final AtomicLong MAX_AFTER_WARM_UP = new AtomicLong(Long.MIN_VALUE);
    private static volatile long fixedBound = -1;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (EXECUTIONS.get() == 0) return;
            System.err.printf("allocation: %d executions; most allocated beyond 2 x input size: %d bytes after warm-up"
                            + " (%d including the first %d), fixed bound %d bytes%n", EXECUTIONS.get(), MAX_AFTER_WARM_UP.get(),
                    MAX_EXCESS.get(), WARM_UP, fixedBound);
        }));
    }

    private Allocation() {}

    /** One fuzz execution's body: a reader given the input. */
    @FunctionalInterface
    public interface Body {
        void run(byte[] data) throws java.io.IOException;
    }

    /** Runs {@code body} on {@code data} and holds it to 2 × data.length + fixed bytes (see {@link #check}). */
    public static void bounded(byte[] data, long fixed, Body body) throws java.io.IOException {
        long start = start();
        try {
            body.run(data);
        } finally {
            check(start, data.length, fixed);
        }
    }

    /** The thread's allocation counter now; pass it to {@link #check}. */
    private static long start() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Fails the execution when the thread allocated more than 2 × inputBytes + fixed since {@code start}. */
    private static void check(long start, long inputBytes, long fixed) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - start;
        long excess = allocated - 2 * inputBytes;
        fixedBound = fixed;
        MAX_EXCESS.accumulateAndGet(excess, Math::max);
        if (EXECUTIONS.incrementAndGet() <= WARM_UP) return;
        MAX_AFTER_WARM_UP.accumulateAndGet(excess, Math::max);
        if (excess > fixed) {
            throw new AssertionError("a " + inputBytes + "-byte input made the reader allocate " + allocated
                    + " bytes: more than 2 x its size + " + fixed);
        }
    }
}
