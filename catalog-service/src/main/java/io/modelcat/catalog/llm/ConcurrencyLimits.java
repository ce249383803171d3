package io.modelcat.catalog.llm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/** Each connection's calls in flight, bounded by its {@code maxConcurrent} setting (per catalog service). */
final class ConcurrencyLimits {

    private record Limit(int max, Semaphore permits) {
    }

    private final Map<String, Limit> limits = new ConcurrentHashMap<>();

    /**
     * A permit for one call through {@code connection}, or null when {@code max} are in flight. A changed setting
     * starts a fresh count; calls already in flight return their permits to the old one.
     */
    Semaphore tryAcquire(String connection, int max) {
        Limit limit = limits.compute(connection, (k, old) -> old != null && old.max() == max ? old
                : new Limit(max, new Semaphore(max)));
        return limit.permits().tryAcquire() ? limit.permits() : null;
    }
}
