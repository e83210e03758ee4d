package dev.originality.shapes.fuzz;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readers' allocation bound (issue #7): no input may make a reader allocate more than twice its
 * size plus a fixed bound per reader. Measured on the Java heap with the JVM's per-thread allocation
 * counter around each fuzz execution (native tensors come from byte ranges already checked against the
 * file size).
 *
 * <p>The first time a code path runs, the JVM loads and initialises its classes, links its lambdas and
 * fills caches (ImageIO's plugin registry alone is megabytes), and a fuzzer reaches new paths at any
 * execution, not only the first ones. So an input over the bound is run once more: the second run
 * pays no first-time costs, and only when it too is over the bound does the execution fail. Allocation
 * driven by the input (a size taken from a header, a quadratic copy) recurs and still fails.
 * At exit one line is printed: {@code allocation: ...}, which bench/fuzz.sh reports.
 */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong RERUNS = new AtomicLong();
    private static final AtomicLong MAX_EXCESS = new AtomicLong(Long.MIN_VALUE);
    private static final AtomicLong MAX_FIRST_RUN = new AtomicLong(Long.MIN_VALUE);
    private static volatile long fixedBound = -1;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (EXECUTIONS.get() == 0) return;
            System.err.printf("allocation: %d executions; most allocated beyond 2 x input size: %d bytes"
                            + " (%d on a first run; %d inputs over the bound run again), fixed bound %d bytes%n",
                    EXECUTIONS.get(), MAX_EXCESS.get(), MAX_FIRST_RUN.get(), RERUNS.get(), fixedBound);
        }));
    }

    private Allocation() {}

    /** One fuzz execution's body: a reader given the input. */
    @FunctionalInterface
    public interface Body {
        void run(byte[] data) throws java.io.IOException;
    }

    /**
     * Runs {@code body} on {@code data} and holds it to 2 × data.length + fixed heap bytes; an input over
     * the bound is run again and fails only when the second run is over the bound too.
     */
    public static void bounded(byte[] data, long fixed, Body body) throws java.io.IOException {
        fixedBound = fixed;
        EXECUTIONS.incrementAndGet();
        long first = excess(data, body);
        MAX_FIRST_RUN.accumulateAndGet(first, Math::max);
        if (first <= fixed) {
            MAX_EXCESS.accumulateAndGet(first, Math::max);
            return;
        }
        RERUNS.incrementAndGet();
        long again = excess(data, body);
        MAX_EXCESS.accumulateAndGet(again, Math::max);
        if (again > fixed) {
            throw new AssertionError("a " + data.length + "-byte input made the reader allocate "
                    + (again + 2L * data.length) + " bytes on a second run (" + (first + 2L * data.length)
                    + " on the first): more than 2 x its size + " + fixed);
        }
    }

    /** Heap bytes one run of {@code body} allocated beyond 2 × the input's size; a run that throws is a finding itself. */
    private static long excess(byte[] data, Body body) throws java.io.IOException {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        body.run(data);
        return THREADS.getCurrentThreadAllocatedBytes() - start - 2L * data.length;
    }
}
