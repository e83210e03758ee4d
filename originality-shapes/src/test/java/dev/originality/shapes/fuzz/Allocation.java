package dev.originality.shapes.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readers' allocation bound (issue #7): no input may make a reader allocate more than a constant
 * per input byte plus a fixed amount, both chosen per reader ({@link Bound}). Measured on the Java heap
 * with the JVM's per-thread allocation counter around each fuzz execution (native tensors come from
 * byte ranges already checked against the file size).
 *
 * <p>The first time a code path runs, the JVM loads and initialises its classes, links its lambdas and
 * fills caches (ImageIO's plugin registry alone is megabytes), and a fuzzer reaches new paths at any
 * execution, not only the first ones. So an input over the bound is run once more: the second run
 * pays no first-time costs, and only when it too is over the bound does the execution fail. Allocation
 * driven by the input (a size taken from a header, a quadratic copy) recurs and still fails.
 * At exit one line per target is printed: {@code allocation: ...}, which bench/fuzz.sh reports.
 */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Map<Bound, Stats> STATS = new ConcurrentHashMap<>();
    /** Bytes the current run's harness allocated in place of input bytes ({@link #allow}). */
    private static final ThreadLocal<long[]> ALLOWED = ThreadLocal.withInitial(() -> new long[1]);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Map<String, String> lines = new TreeMap<>();
            STATS.forEach((b, s) -> lines.put(b.target(), s.line(b)));
            lines.values().forEach(System.err::println);
        }));
    }

    private Allocation() {}

    /**
     * One reader's bound: {@code perByte} × input bytes + {@code fixed} heap bytes per execution.
     * perByte is 2 (the input and one copy) for readers that keep bytes; a reader that builds an object
     * graph (pickle opcodes, JSON nodes) pays a few dozen bytes per input byte by design.
     */
    public record Bound(String target, long perByte, long fixed) {
        public long limit(long inputBytes) {
            return perByte * inputBytes + fixed;
        }
    }

    /** One fuzz execution's body: a reader given the input. */
    @FunctionalInterface
    public interface Body {
        void run(byte[] data) throws java.io.IOException;
    }

    /** Runs {@code body} on {@code data} within {@code bound}; an input over it runs again and fails only if over again. */
    public static void bounded(byte[] data, Bound bound, Body body) throws java.io.IOException {
        Stats stats = STATS.computeIfAbsent(bound, b -> new Stats());
        stats.executions.incrementAndGet();
        long first = allocated(data, body), limit = limit(bound, data), again = first;
        if (first > limit) {
            stats.reruns.incrementAndGet();
            again = allocated(data, body);
            limit = limit(bound, data);
        }
        Stats.raise(stats.maxFirstPermille, first, limit);
        Stats.raise(stats.maxPermille, again, limit);
        if (again > limit) {
            throw new AssertionError("a " + data.length + "-byte input made the reader allocate " + again
                    + " bytes on a second run (" + first + " on the first): more than " + bound.perByte()
                    + " x its size + " + bound.fixed() + " (" + bound.target() + ")");
        }
    }

    /**
     * Adds {@code bytes} to the current run's limit: for data a harness serves in place of input bytes
     * (the pickle target's stand-in storages, which in a real checkpoint are entries of the file and
     * count towards its size).
     */
    public static void allow(long bytes) {
        ALLOWED.get()[0] += bytes;
    }

    /** The bound for {@code data} plus what the run just made allowed. */
    private static long limit(Bound bound, byte[] data) {
        return bound.limit(data.length) + ALLOWED.get()[0];
    }

    /** Heap bytes one run of {@code body} allocated; a run that throws is a finding itself. */
    private static long allocated(byte[] data, Body body) throws java.io.IOException {
        ALLOWED.get()[0] = 0;
        long start = THREADS.getCurrentThreadAllocatedBytes();
        body.run(data);
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }

    /** Per target: executions, reruns, and the highest share of the bound used (per mille), counted and first-run. */
    private static final class Stats {
        final AtomicLong executions = new AtomicLong(), reruns = new AtomicLong();
        final AtomicLong maxPermille = new AtomicLong(), maxFirstPermille = new AtomicLong();

        static void raise(AtomicLong max, long allocated, long limit) {
            max.accumulateAndGet(1000 * allocated / limit, Math::max);
        }

        String line(Bound b) {
            return String.format("allocation: %s: %d executions; most allocated %.1f%% of the bound (%d x input + %d bytes)"
                            + "; %.1f%% on a first run; %d inputs over the bound run again",
                    b.target(), executions.get(), maxPermille.get() / 10.0, b.perByte(), b.fixed(),
                    maxFirstPermille.get() / 10.0, reruns.get());
        }
    }
}
