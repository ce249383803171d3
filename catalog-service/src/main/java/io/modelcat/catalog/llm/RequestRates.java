package io.modelcat.catalog.llm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each connection's {@code requestsPerMinute}, as a token bucket per catalog service: it holds up to a minute's
 * requests, refilled evenly (one every 60/rpm seconds), and a call takes one.
 */
final class RequestRates {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    RequestRates() {
        this(System::nanoTime);
    }

    RequestRates(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Takes one request of {@code connection}'s allowance: 0 when it may go now, else the nanoseconds until the
     * next request will be allowed. A changed setting starts a full bucket.
     */
    long tryTake(String connection, int perMinute) {
        Bucket bucket = buckets.compute(connection, (k, old) -> old != null && old.perMinute == perMinute ? old
                : new Bucket(perMinute, clock.getAsLong()));
        synchronized (bucket) {
            long now = clock.getAsLong();
            // Tokens are counted in units of 1/perMinute of a minute's nanoseconds so the refill stays exact.
            long capacity = (long) perMinute * MINUTE_NANOS;
            bucket.level = Math.min(capacity, bucket.level + Math.min(now - bucket.at, MINUTE_NANOS) * perMinute);
            bucket.at = now;
            if (bucket.level >= MINUTE_NANOS) {
                bucket.level -= MINUTE_NANOS;
                return 0;
            }
            return (MINUTE_NANOS - bucket.level + perMinute - 1) / perMinute;
        }
    }

    private static final class Bucket {
        private final int perMinute;
        private long level;
        private long at;

        Bucket(int perMinute, long now) {
            this.perMinute = perMinute;
            this.level = (long) perMinute * MINUTE_NANOS;
            this.at = now;
        }
    }
}
