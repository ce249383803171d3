package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.model.CardCombinations;
import io.modelcat.store.model.ModelQuery;
import io.modelcat.store.model.ModelSort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FacetCacheTest {

    private static ModelQuery query(List<String> tasks, ModelSort sort) {
        return new ModelQuery(tasks, List.of(), List.of("mit"), List.of(), List.of(), sort, 20, null);
    }

    private static ModelPage.Facets counts(long n) {
        return new ModelPage.Facets(Map.of("fill-mask", n), Map.of(), Map.of("mit", n));
    }

    @Test
    void reusesCountsForTheSameFiltersWhateverThePageOrSort() {
        FacetCache cache = new FacetCache(Duration.ofMinutes(1));
        AtomicInteger computed = new AtomicInteger();
        cache.get(query(List.of("fill-mask"), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        ModelPage.Facets again = cache.get(query(List.of("fill-mask"), ModelSort.CREATED_DESC),
                () -> counts(computed.incrementAndGet()));
        assertThat(computed).hasValue(1);
        assertThat(again.task()).containsEntry("fill-mask", 1L);

        cache.get(query(List.of("text-generation"), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        assertThat(computed).hasValue(2);
    }

    @Test
    void theCardsCombinationsAreReadAgainAfterAChangeOrWhenOld() throws InterruptedException {
        FacetCache cache = new FacetCache(Duration.ofMillis(200));
        AtomicInteger read = new AtomicInteger();
        Supplier<CardCombinations> reading = () -> new CardCombinations(List.of(
                new CardCombinations.Combination("fill-mask", "mit", List.of(), "{fill-mask,mit}",
                        read.incrementAndGet())));
        assertThat(cache.combinations(reading).total()).isEqualTo(1);
        assertThat(cache.combinations(reading).total()).as("held").isEqualTo(1);
        cache.clear();
        assertThat(cache.combinations(reading).total()).as("after a change").isEqualTo(2);
        Thread.sleep(250);
        assertThat(cache.combinations(reading).total()).as("when old").isEqualTo(3);
        cache.clear();
        assertThat(cache.combinations(() -> {
            cache.clear(); // a change notice arrives while they are read
            return reading.get();
        }).total()).isEqualTo(4);
        assertThat(cache.combinations(reading).total()).as("what was read during a change is not kept").isEqualTo(5);
        assertThat(cache.combinations(reading).total()).isEqualTo(5);
    }

    @Test
    void clearingOrExpiryComputesAgain() throws InterruptedException {
        FacetCache cache = new FacetCache(Duration.ofMillis(50));
        AtomicInteger computed = new AtomicInteger();
        cache.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        cache.clear();
        cache.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        assertThat(computed).hasValue(2);
        Thread.sleep(80);
        cache.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        assertThat(computed).hasValue(3);

        FacetCache off = new FacetCache(Duration.ZERO);
        off.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        off.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        assertThat(computed).hasValue(5);
    }

    @Test
    void countsComputedWhileTheCacheIsClearedAreNotKept() {
        FacetCache cache = new FacetCache(Duration.ofMinutes(1));
        AtomicInteger computed = new AtomicInteger();
        cache.get(query(List.of(), ModelSort.NAME), () -> {
            cache.clear(); // a change notice arrives while the counts are read
            return counts(computed.incrementAndGet());
        });
        cache.get(query(List.of(), ModelSort.NAME), () -> counts(computed.incrementAndGet()));
        assertThat(computed).as("the counts read before the change are recounted").hasValue(2);
    }

    @Test
    void anExpiredEntryIsRecountedByOneCallerWhileOthersGetThePreviousCounts() throws InterruptedException {
        FacetCache cache = new FacetCache(Duration.ofMillis(500));
        cache.get(query(List.of(), ModelSort.NAME), () -> counts(1));
        Thread.sleep(600);
        java.util.concurrent.CountDownLatch recounting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread slow = new Thread(() -> cache.get(query(List.of(), ModelSort.NAME), () -> {
            recounting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return counts(2);
        }));
        slow.start();
        recounting.await();
        ModelPage.Facets meanwhile = cache.get(query(List.of(), ModelSort.NAME), () -> counts(3));
        assertThat(meanwhile.task()).containsEntry("fill-mask", 1L);
        release.countDown();
        slow.join();
        assertThat(cache.get(query(List.of(), ModelSort.NAME), () -> counts(4)).task()).containsEntry("fill-mask", 2L);
    }
}
