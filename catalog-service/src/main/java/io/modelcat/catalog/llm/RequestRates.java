package io.modelcat.catalog.llm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each connection's {@code requestsPerMinute}, as a token bucket per catalog service: it holds up to a minute's
 * requests but never more than {@link #BURST}, refilled evenly (one every 60/rpm seconds), and a call takes one. A
 * call may also reserve a later turn (the bucket runs into debt), so that callers waiting for the same connection are
 * spaced evenly instead of all trying again at the moment the next token arrives.
 *
 * <p>The burst is capped because providers enforce their per-minute limits over much shorter windows (OpenAI, for
 * one, over a second or less): a full minute's calls at once (12,000 for 200 a second) would be a 429 storm at the
 * provider, where at most {@link #BURST} calls more than the rate in any one second is not.
 */
final class RequestRates {

    /** The most calls let through at once after a quiet while. */
    static final int BURST = 10;
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
     * next request will be allowed (and nothing is taken). A changed setting starts a full bucket.
     */
    long tryTake(String connection, int perMinute) {
        long turn = reserve(connection, perMinute, 0);
        return turn >= 0 ? 0 : -turn;
    }

    /**
     * Reserves one request of {@code connection}'s allowance at the first free turn, if that turn is at most
     * {@code longestWait} nanoseconds away: answers the nanoseconds to wait before calling (0: now). Else nothing is
     * reserved and the answer is negative: minus the nanoseconds until a call would be allowed without waiting.
     */
    long reserve(String connection, int perMinute, long longestWait) {
        Bucket bucket = buckets.compute(connection, (k, old) -> old != null && old.perMinute == perMinute ? old
                : new Bucket(perMinute, clock.getAsLong()));
        synchronized (bucket) {
            long now = clock.getAsLong();
            // Tokens are counted in units of 1/perMinute of a minute's nanoseconds so the refill stays exact.
            long capacity = (long) Math.min(perMinute, BURST) * MINUTE_NANOS;
            bucket.level = Math.min(capacity, bucket.level + Math.min(now - bucket.at, MINUTE_NANOS) * perMinute);
            bucket.at = now;
            long wait = bucket.level >= MINUTE_NANOS ? 0 : (MINUTE_NANOS - bucket.level + perMinute - 1) / perMinute;
            if (wait > longestWait) {
                return -wait;
            }
            bucket.level -= MINUTE_NANOS;
            return wait;
        }
    }

    private static final class Bucket {
        private final int perMinute;
        private long level;
        private long at;

        Bucket(int perMinute, long now) {
            this.perMinute = perMinute;
            this.level = (long) Math.min(perMinute, BURST) * MINUTE_NANOS;
            this.at = now;
        }
    }
}
