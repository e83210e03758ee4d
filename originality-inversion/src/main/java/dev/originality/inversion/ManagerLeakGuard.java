package dev.originality.inversion;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Works around a per-step leak into the model's manager: Ops.groupNorm reshapes gamma and beta
 * (first operand: the weight), so each UNet pass attaches ~2 small views per GroupNorm to the
 * weights' long-lived manager. After each step we close every resource attached to that manager
 * since {@link #of}; the weights themselves were there before and are kept. Not safe while another
 * thread uses the same model. Becomes a no-op if DJL's internals are not as expected.
 */
final class ManagerLeakGuard {
    private final Map<String, AutoCloseable> resources;
    private final Set<String> baseline;

    private ManagerLeakGuard(Map<String, AutoCloseable> resources) {
        this.resources = resources;
        this.baseline = resources == null ? Set.of() : new HashSet<>(resources.keySet());
    }

    @SuppressWarnings("unchecked")
    static ManagerLeakGuard of(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return new ManagerLeakGuard((Map<String, AutoCloseable>) f.get(manager));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new ManagerLeakGuard(null);
        }
    }

    /** Closes what was attached since the snapshot; returns how many. */
    int releaseNew() {
        if (resources == null) return 0;
        List<AutoCloseable> extra = new ArrayList<>();
        for (Map.Entry<String, AutoCloseable> e : resources.entrySet()) {
            if (!baseline.contains(e.getKey())) extra.add(e.getValue());
        }
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free a leaked array of the model's manager", e);
            }
        }
        return extra.size();
    }
}
