package io.modelcat.catalog.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket behind requestsPerMinute, on a clock the test moves. */
class RequestRatesTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RequestRates rates = new RequestRates(now::get);

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
}
