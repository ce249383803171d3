package io.modelcat.catalog.model;

import io.micronaut.context.annotation.Value;
import io.modelcat.store.model.CardCombinations;
import io.modelcat.store.model.ModelQuery;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Facet counts computed recently, per filter set, and the cards' combinations of task, licence and fine-tuning tasks
 * ({@link CardCombinations}, which choose how some pages are planned). Counting a large catalog for every list request
 * would dominate its cost, and chips a few seconds old are fine. Any change of a card clears it at once
 * (this service's own, and runners' and other catalog services' through their change notices); while those
 * cannot be heard, their changes show in the counts within the time-to-live. When an
 * entry expires, one request recounts while the others keep getting the previous counts, so that
 * many clients do not all recount at the same moment.
 */
@Singleton
public class FacetCache {

    private static final int MAX_ENTRIES = 10_000;

    private final long ttlNanos;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    /** Raised by every {@link #clear}: counts computed before it are not served after it. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Combinations combinations;

    public FacetCache(@Value("${modelcat.catalog.facet-cache-ttl:5s}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    ModelPage.Facets get(ModelQuery query, Supplier<ModelPage.Facets> compute) {
        Key key = new Key(query.tasks(), query.finetuningTasks(), query.licenses(), query.tags(), query.searchWords());
        long now = System.nanoTime();
        long began = generation.get();
        Entry entry = entries.get(key);
        if (entry != null && entry.generation() != began) {
            entry = null;
        }
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
        if (ttlNanos > 0 && began == generation.get()) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry(facets, System.nanoTime(), new AtomicBoolean(), began));
        }
        return facets;
    }

    /** The cards' combinations, read again ({@code read}) when older than the time-to-live or than a change. */
    CardCombinations combinations(Supplier<CardCombinations> read) {
        long began = generation.get();
        Combinations held = combinations;
        if (held != null && held.generation() == began && System.nanoTime() - held.readAt() < ttlNanos) {
            return held.counts();
        }
        CardCombinations counts = read.get();
        if (began == generation.get()) {
            combinations = new Combinations(counts, System.nanoTime(), began);
        }
        return counts;
    }

    void clear() {
        generation.incrementAndGet();
        entries.clear();
    }

    private record Key(List<String> tasks, List<String> finetuningTasks, List<String> licenses, List<String> tags,
                       List<String> searchWords) {
    }

    private record Combinations(CardCombinations counts, long readAt, long generation) {
    }

    private record Entry(ModelPage.Facets facets, long computedAt, AtomicBoolean refreshing, long generation) {
    }
}
