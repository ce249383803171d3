package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The rule of the token bucket behind requestsPerMinute ({@link RequestRates.Level}), on a clock the test moves, with
 * the buckets kept here as the database keeps them (LlmMeshTest checks the buckets in the database).
 */
class RequestRatesTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Rates rates = new Rates();

    /** Buckets by connection, a changed setting starting a full one, as {@link RequestRates#reserve} keeps them. */
    private final class Rates {

        private final Map<String, RequestRates.Level> buckets = new HashMap<>();

        long reserve(String connection, int perMinute, long longestWait) {
            RequestRates.Level level = buckets.get(connection);
            if (level == null || level.perMinute() != perMinute) {
                level = RequestRates.Level.full(perMinute, now.get());
            }
            RequestRates.Turn turn = level.reserve(now.get(), longestWait);
            buckets.put(connection, turn.after());
            return turn.answer();
        }

        /** 0 when a call may go now, else the nanoseconds until one may (and nothing is taken). */
        long tryTake(String connection, int perMinute) {
            long turn = reserve(connection, perMinute, 0);
            return turn >= 0 ? 0 : -turn;
        }
    }

    @Test
    void aMinutesRequestsGoAtOnceThenOneEveryShareOfTheMinute() {
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isZero();
        // Empty: the next is allowed 20 s (a third of a minute) after the bucket emptied.
        assertThat(rates.tryTake("c", 3)).isEqualTo(TimeUnit.SECONDS.toNanos(20));
        now.addAndGet(TimeUnit.SECONDS.toNanos(15));
        assertThat(rates.tryTake("c", 3)).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isPositive();
        // Other connections have their own bucket; after a long idle time it is full, not more.
        assertThat(rates.tryTake("other", 1)).isZero();
        now.addAndGet(TimeUnit.DAYS.toNanos(400));
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isZero();
        assertThat(rates.tryTake("c", 3)).isPositive();
    }

    @Test
    void aChangedLimitStartsAFullBucket() {
        assertThat(rates.tryTake("c", 1)).isZero();
        assertThat(rates.tryTake("c", 1)).isEqualTo(TimeUnit.MINUTES.toNanos(1));
        assertThat(rates.tryTake("c", 2)).isZero();
        assertThat(rates.tryTake("c", 2)).isZero();
        assertThat(rates.tryTake("c", 2)).isEqualTo(TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void aLargeAllowanceLetsAtMostTheBurstThroughAtOnceThenOneEveryShareOfTheMinute() {
        for (int i = 0; i < RequestRates.BURST; i++) {
            assertThat(rates.tryTake("c", 12_000)).isZero();
        }
        // 12,000 a minute: one every 5 ms.
        assertThat(rates.tryTake("c", 12_000)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(rates.tryTake("c", 12_000)).isZero();
        // A quiet minute refills the burst, not a minute's calls.
        now.addAndGet(TimeUnit.MINUTES.toNanos(1));
        for (int i = 0; i < RequestRates.BURST; i++) {
            assertThat(rates.tryTake("c", 12_000)).isZero();
        }
        assertThat(rates.tryTake("c", 12_000)).isPositive();
    }

    @Test
    void callersWaitingForTheirTurnAreSpacedEvenlyUpToTheLongestWait() {
        long s = TimeUnit.SECONDS.toNanos(1);
        for (int i = 0; i < 3; i++) {
            assertThat(rates.reserve("c", 3, 20 * s)).isZero();
        }
        // 3 a minute: the next turns are 20 s, 40 s, ... after the bucket emptied, each taken by one caller.
        assertThat(rates.reserve("c", 3, 20 * s)).isEqualTo(20 * s);
        assertThat(rates.reserve("c", 3, 20 * s)).isEqualTo(-40 * s);
        assertThat(rates.reserve("c", 3, 60 * s)).isEqualTo(40 * s);
        // Refused: the answer is when a call would go without waiting, after the turns reserved.
        assertThat(rates.reserve("c", 3, 20 * s)).isEqualTo(-60 * s);
        now.addAndGet(40 * s);
        assertThat(rates.reserve("c", 3, 20 * s)).isEqualTo(20 * s);
        assertThat(rates.tryTake("c", 3)).isEqualTo(40 * s);
    }

    @Test
    void callersAsFastAsTheyCanGetNoMoreThanTheRateAndTheBurstInAnySecond() {
        // 64 callers for three simulated seconds, each calling again as soon as its call (20 ms) is over.
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        long[] freeAt = new long[64];
        List<Long> calls = new ArrayList<>();
        long start = now.get();
        for (long t = start; t < start + 3_000 * ms; t += ms) {
            now.set(t);
            for (int caller = 0; caller < freeAt.length; caller++) {
                if (freeAt[caller] > t) {
                    continue;
                }
                long wait = rates.reserve("c", 12_000, TimeUnit.SECONDS.toNanos(1));
                if (wait >= 0) {
                    calls.add(t + wait);
                    freeAt[caller] = t + wait + 20 * ms;
                } else {
                    freeAt[caller] = t - wait;
                }
            }
        }
        java.util.Collections.sort(calls);
        int most = 0;
        for (int first = 0, last = 0; last < calls.size(); last++) {
            while (calls.get(last) - calls.get(first) >= TimeUnit.SECONDS.toNanos(1)) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        assertThat(most).isLessThanOrEqualTo(200 + RequestRates.BURST);
        assertThat(calls.size()).isGreaterThan(3 * 200 - 10);
    }
}
