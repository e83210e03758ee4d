package dev.originality.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.originality.diffusion.nn.Ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a step's samples as W groups of whole chains on W threads of one libtorch intra-op thread each, instead of the
 * whole batch on W intra-op threads. Chains share nothing but the frozen model (each has its own vectors, Adam state
 * and samples), so the groups' forward and backward passes are independent. Why: at the few samples a step of the
 * cpu preset has (5 at 16x16 latents), libtorch's kernels are too small to split well — measured on this 2-core VM,
 * 100 steps at batch 5 took 16 s on one intra-op thread and 15 s on two, while two processes of one thread each,
 * holding 3 and 2 of the samples, finished in 12 s.
 *
 * <p>libtorch's thread count is process-wide for its BLAS and per thread for OpenMP: each worker sets its share of the
 * process's intra-op threads (one each on this machine) when it starts, and {@link #close} restores the count the
 * process had. Only the placeholder vectors have gradients and each belongs to one chain, so no two threads ever
 * accumulate into the same gradient.
 */
final class ChainWorkers implements AutoCloseable {
    /** A group's losses and backward pass: samples → per-sample losses [b'], in the given manager. */
    interface GroupLoss {
        NDArray losses(NDManager m, int[] samples);
    }

    private final int[][] groups;
    private final ExecutorService pool;
    private final int threadsBefore;

    /** Splits the samples into at most `workers` groups of whole chains, balanced by sample count. */
    ChainWorkers(int[] chainOfSample, int workers) {
        this.groups = groups(chainOfSample, workers);
        this.threadsBefore = JniUtils.getNumThreads();
        int each = Math.max(1, threadsBefore / groups.length);                 // the process's threads shared out
        this.pool = Executors.newFixedThreadPool(groups.length, r -> {
            Thread t = new Thread(() -> {
                JniUtils.setNumThreads(each);
                r.run();
            }, "inversion-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Chains dealt largest first to the group with the fewest samples (ties: the first); samples ascending in a group. */
    static int[][] groups(int[] chainOfSample, int workers) {
        int chains = Arrays.stream(chainOfSample).max().orElse(0);
        int[] size = new int[chains + 1];
        for (int c : chainOfSample) size[c]++;
        Integer[] order = new Integer[chains];
        for (int c = 1; c <= chains; c++) order[c - 1] = c;
        Arrays.sort(order, (a, b) -> size[b] != size[a] ? Integer.compare(size[b], size[a]) : Integer.compare(a, b));
        int w = Math.max(1, Math.min(workers, chains));
        int[] groupOfChain = new int[chains + 1], load = new int[w];
        for (int c : order) {
            int g = 0;
            for (int k = 1; k < w; k++) if (load[k] < load[g]) g = k;
            groupOfChain[c] = g;
            load[g] += size[c];
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int g = 0; g < w; g++) out.add(new ArrayList<>());
        for (int i = 0; i < chainOfSample.length; i++) out.get(groupOfChain[chainOfSample[i]]).add(i);
        return out.stream().filter(l -> !l.isEmpty()).map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /**
     * One step: each group's losses on its own thread, with autograd on, and their backward pass scaled by 1/b (b =
     * the whole batch, so every vector gets the gradient of the batch mean). Returns the per-sample losses [b].
     */
    float[] step(NDManager step, int b, GroupLoss loss) {
        List<Future<float[]>> parts = new ArrayList<>();
        for (int[] g : groups) {
            parts.add(pool.submit(() -> {
                JniUtils.setGradMode(true);                       // thread-local in libtorch
                try (NDManager m = step.newSubManager()) {
                    NDArray l = loss.losses(m, g);                                            // [b']
                    NDArray scaled = l.sum().div(Ops.constant(l, b));
                    JniUtils.backward((PtNDArray) scaled, (PtNDArray) scaled.onesLike(), false, false);
                    return l.toFloatArray();
                } finally {
                    JniUtils.setGradMode(false);
                }
            }));
        }
        float[] perSample = new float[b];
        for (int k = 0; k < groups.length; k++) {
            float[] l = get(parts.get(k));
            for (int j = 0; j < groups[k].length; j++) perSample[groups[k][j]] = l[j];
        }
        return perSample;
    }

    private static float[] get(Future<float[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the inversion workers ran", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (pool.isShutdown()) return;
        pool.shutdownNow();
        JniUtils.setNumThreads(threadsBefore);
    }
}
