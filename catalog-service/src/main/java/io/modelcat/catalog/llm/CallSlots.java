package io.modelcat.catalog.llm;

import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.store.Database;
import io.modelcat.store.llm.LlmLimits;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each connection's calls in flight, bounded by its {@code maxConcurrent} setting across every catalog service on
 * the database: a call holds a slot (an {@code llm_call_slot} row) while it runs. This service renews the slots it
 * holds every {@link #RENEW_EVERY}; a slot whose service died with it expires {@link #LEASE} after its last renewal.
 */
@Singleton
class CallSlots {

    private static final Logger LOG = LoggerFactory.getLogger(CallSlots.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration RENEW_EVERY = Duration.ofSeconds(15);

    private final Database db;
    /** This catalog service, as the holder of its slots. */
    private final String holder = "catalog-" + UUID.randomUUID();
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();

    CallSlots(Database db) {
        this.db = db;
    }

    /** A slot for one call through {@code connection}, or empty when {@code max} calls are in flight. */
    Optional<Slot> tryTake(String connection, int max) {
        return db.write(c -> LlmLimits.takeSlot(c, connection, max, holder, LEASE)).map(id -> {
            held.add(id);
            return new Slot(id);
        });
    }

    /** Keeps the slots of this service's calls in flight from expiring. */
    @Scheduled(fixedDelay = "15s", initialDelay = "15s")
    void renew() {
        if (held.isEmpty()) {
            return;
        }
        try {
            db.write(c -> LlmLimits.renewSlots(c, holder, LEASE));
        } catch (RuntimeException e) {
            LOG.warn("Could not renew this service's {} LLM call slot(s); they expire in {} s unless renewed: {}",
                    held.size(), LEASE.toSeconds(), e.getMessage());
        }
    }

    /** One call's slot; released once, however many times {@link #release} is called. */
    final class Slot {

        private final UUID id;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(UUID id) {
            this.id = id;
        }

        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(id);
            try {
                db.write(c -> {
                    LlmLimits.releaseSlot(c, id);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("Could not release an LLM call slot; it expires in {} s: {}", LEASE.toSeconds(),
                        e.getMessage());
            }
        }
    }
}
