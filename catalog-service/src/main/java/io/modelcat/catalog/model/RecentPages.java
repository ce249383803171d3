package io.modelcat.catalog.model;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * List pages served moments ago, per validated request, so that a burst of clients asking for the same
 * page (the catalog's first page, a popular filter) costs one query and no trip to a worker thread.
 * This service's own writes clear it at once; cards written by a runner (imports) or another catalog
 * service show within the time-to-live.
 */
@Singleton
public class RecentPages {

    private static final int MAX_ENTRIES = 10_000;

    private final long ttlNanos;
    private final Map<ModelService.ListRequest, Entry> entries = new ConcurrentHashMap<>();

    public RecentPages(@Value("${modelcat.catalog.list-cache-ttl:2s}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    Optional<ModelPage> get(ModelService.ListRequest request) {
        Entry entry = entries.get(request);
        return entry != null && System.nanoTime() - entry.storedAt() < ttlNanos ? Optional.of(entry.page()) : Optional.empty();
    }

    void put(ModelService.ListRequest request, ModelPage page) {
        if (ttlNanos <= 0) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(request, new Entry(page, System.nanoTime()));
    }

    void clear() {
        entries.clear();
    }

    private record Entry(ModelPage page, long storedAt) {
    }
}
