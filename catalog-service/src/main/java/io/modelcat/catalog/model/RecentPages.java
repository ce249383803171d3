package io.modelcat.catalog.model;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * List pages served moments ago, per validated request, so that a burst of clients asking for the same
 * page (the catalog's first page, a popular filter) costs one query and no trip to a worker thread.
 * Any change of a card clears it at once: this service's own, and those of runners (imports) and other
 * catalog services through their change notices ({@code change.ChangeListener}); while those cannot be heard,
 * their changes show within the time-to-live. When a page expires, one request reads it again while the
 * others keep getting the previous one, so that many clients never all query at the same moment.
 */
@Singleton
public class RecentPages {

    /**
     * The most cards the kept pages may hold together (a page of none counts as one): tens of megabytes. Bounded in
     * pages (10,000 of up to 100 cards), requests for many different pages (the varied pages of
     * bench/catalog-list.sh) filled gigabytes with pages nobody asked for again, and the collector's copying of
     * them made the tail (docs/performance.md, "A page size per statement, and a bounded page memory").
     */
    static final int MAX_CARDS = 20_000;

    private final long ttlNanos;
    private final Map<ModelService.ListRequest, Entry> entries = new ConcurrentHashMap<>();
    /** Raised by every {@link #clear}: a page read before it is not served after it. */
    private final AtomicLong generation = new AtomicLong();
    /** The cards of the pages kept, as {@link #MAX_CARDS} counts them (racing puts may leave it off until a clear). */
    private final AtomicInteger cards = new AtomicInteger();

    public RecentPages(@Value("${modelcat.catalog.list-cache-ttl:2s}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * The page to answer with now, if any: a fresh one, or an expired one while another request is
     * already reading it again. Empty tells the caller to read it (and {@link #put} it).
     */
    Optional<ModelPage> get(ModelService.ListRequest request) {
        Entry entry = entries.get(request);
        if (entry == null || entry.generation() != generation.get()) {
            return Optional.empty();
        }
        boolean fresh = System.nanoTime() - entry.storedAt() < ttlNanos;
        return fresh || !entry.refreshing().compareAndSet(false, true) ? Optional.of(entry.page()) : Optional.empty();
    }

    /** The generation to pass to {@link #put}, taken before the page is read. */
    long generation() {
        return generation.get();
    }

    /** Keeps a page read from the database, unless the cache was cleared since {@code readFrom} (it may be old). */
    void put(ModelService.ListRequest request, ModelPage page, long readFrom) {
        if (ttlNanos <= 0 || readFrom != generation.get()) {
            return;
        }
        Entry entry = new Entry(page, System.nanoTime(), new AtomicBoolean(), readFrom);
        Entry previous = entries.put(request, entry);
        if (cards.addAndGet(entry.cards() - (previous == null ? 0 : previous.cards())) > MAX_CARDS) {
            // Full: only this page stays (the pages asked for often come back at once, and are read again).
            entries.clear();
            entries.put(request, entry);
            cards.set(entry.cards());
        }
    }

    /** Lets the next request read the page again after a failed read. */
    void readFailed(ModelService.ListRequest request) {
        Entry entry = entries.get(request);
        if (entry != null) {
            entry.refreshing().set(false);
        }
    }

    void clear() {
        generation.incrementAndGet();
        entries.clear();
        cards.set(0);
    }

    private record Entry(ModelPage page, long storedAt, AtomicBoolean refreshing, long generation) {

        /** The page's cards, as {@link #MAX_CARDS} counts them. */
        int cards() {
            return Math.max(1, page.items().size());
        }
    }
}
