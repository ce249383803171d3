package io.modelcat.catalog.model;

import io.micronaut.context.annotation.Value;
import io.modelcat.store.model.ModelQuery;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Facet counts computed recently, per filter set. Counting a large catalog for every list request
 * would dominate its cost, and chips a few seconds old are fine. This service's own writes clear it
 * at once; cards written by a runner (imports) show in the counts within the time-to-live. When an
 * entry expires, one request recounts while the others keep getting the previous counts, so that
 * many clients do not all recount at the same moment.
 */
@Singleton
public class FacetCache {

    private static final int MAX_ENTRIES = 10_000;

    private final long ttlNanos;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    public FacetCache(@Value("${modelcat.catalog.facet-cache-ttl:5s}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    ModelPage.Facets get(ModelQuery query, Supplier<ModelPage.Facets> compute) {
        Key key = new Key(query.tasks(), query.finetuningTasks(), query.licenses(), query.tags(), query.textQuery());
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry != null && (now - entry.computedAt() < ttlNanos || !entry.refreshing().compareAndSet(false, true))) {
            return entry.facets();
        }
        ModelPage.Facets facets;
        try {
            facets = compute.get();
        } catch (RuntimeException e) {
            if (entry != null) {
                entry.refreshing().set(false);
            }
            throw e;
        }
        if (ttlNanos > 0) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry(facets, System.nanoTime(), new AtomicBoolean()));
        }
        return facets;
    }

    void clear() {
        entries.clear();
    }

    private record Key(List<String> tasks, List<String> finetuningTasks, List<String> licenses, List<String> tags,
                       String textQuery) {
    }

    private record Entry(ModelPage.Facets facets, long computedAt, AtomicBoolean refreshing) {
    }
}
