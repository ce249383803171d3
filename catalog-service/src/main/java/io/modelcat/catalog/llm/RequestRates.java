package io.modelcat.catalog.llm;

import io.modelcat.store.Database;
import io.modelcat.store.llm.LlmLimits;
import jakarta.inject.Singleton;

/**
 * Each connection's {@code requestsPerMinute}, as a token bucket that every catalog service on the database shares
 * (the {@code llm_rate_bucket} row, locked while a call takes its turn, on the database's clock): it holds up to a
 * minute's requests but never more than {@link #BURST}, refilled evenly (one every 60/rpm seconds), and a call takes
 * one. A call may also reserve a later turn (the bucket runs into debt), so that callers waiting for the same
 * connection are spaced evenly instead of all trying again at the moment the next token arrives.
 *
 * <p>The burst is capped because providers enforce their per-minute limits over much shorter windows (OpenAI, for
 * one, over a second or less): a full minute's calls at once (12,000 for 200 a second) would be a 429 storm at the
 * provider, where at most {@link #BURST} calls more than the rate in any one second is not.
 */
@Singleton
class RequestRates {

    /** The most calls let through at once after a quiet while. */
    static final int BURST = 10;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Database db;

    RequestRates(Database db) {
        this.db = db;
    }

    /**
     * Reserves one request of {@code connection}'s allowance at the first free turn, if that turn is at most
     * {@code longestWait} nanoseconds away: answers the nanoseconds to wait before calling (0: now). Else nothing is
     * reserved and the answer is negative: minus the nanoseconds until a call would be allowed without waiting. A
     * changed setting starts a full bucket.
     */
    long reserve(String connection, int perMinute, long longestWait) {
        long[] clockRead = new long[1];
        long answer = db.write(c -> {
            LlmLimits.Bucket stored = LlmLimits.lockBucket(c, connection);
            clockRead[0] = System.nanoTime();
            Level level = stored.perMinute() == perMinute
                    ? new Level(perMinute, stored.level(), stored.atNanos())
                    : Level.full(perMinute, stored.nowNanos());
            Turn turn = level.reserve(stored.nowNanos(), longestWait);
            LlmLimits.saveBucket(c, connection, perMinute, turn.after().level(), turn.after().atNanos());
            return turn.answer();
        });
        // A wait counts from the moment the database's clock was read, not from the commit after it: callers spaced
        // one turn apart stay so however long their transactions took to end.
        return answer > 0 ? Math.max(1, answer - (System.nanoTime() - clockRead[0])) : answer;
    }

    /**
     * A bucket's state: the requests it holds, in units of 1/perMinute of a minute's nanoseconds (so that the refill
     * stays exact), as of {@code atNanos}.
     */
    record Level(int perMinute, long level, long atNanos) {

        static Level full(int perMinute, long now) {
            return new Level(perMinute, capacity(perMinute), now);
        }

        private static long capacity(int perMinute) {
            return (long) Math.min(perMinute, BURST) * MINUTE_NANOS;
        }

        /** The turn a call gets at {@code now}, as {@link RequestRates#reserve} answers, and the level after it. */
        Turn reserve(long now, long longestWait) {
            long refilled = Math.min(capacity(perMinute),
                    level + Math.min(Math.max(0, now - atNanos), MINUTE_NANOS) * perMinute);
            long wait = refilled >= MINUTE_NANOS ? 0 : (MINUTE_NANOS - refilled + perMinute - 1) / perMinute;
            if (wait > longestWait) {
                return new Turn(new Level(perMinute, refilled, now), -wait);
            }
            return new Turn(new Level(perMinute, refilled - MINUTE_NANOS, now), wait);
        }
    }

    /** A call's turn: the nanoseconds to wait (negative: refused, and when it would go), and the bucket after it. */
    record Turn(Level after, long answer) {
    }
}
