package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.CatalogTestBase;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The catalog's reads run on their own few threads, and the reads beyond them wait in arrival order; searches have a
 * lane of their own.
 */
@MicronautTest(transactional = false)
class CatalogReadsTest extends CatalogTestBase {

    @Inject
    @Named(CatalogReads.NAME)
    ExecutorService reads;

    @Inject
    @Named(CatalogReads.SEARCHES)
    ExecutorService searches;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.catalog.read-threads", "1");
        properties.put("modelcat.catalog.search-threads", "1");
        properties.put("modelcat.catalog.list-cache-ttl", "0s");
        return properties;
    }

    @Test
    void listAndCardReadsWaitForTheCatalogsReadThread() throws Exception {
        String id = (String) create(aModel("first")).get("id");
        CountDownLatch release = new CountDownLatch(1);
        reads.submit(() -> {
            release.await();
            return null;
        });
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Object> page = CompletableFuture.supplyAsync(
                    () -> api.get("/api/v1/models?facets=false").items().get(0).get("name"), clients);
            CompletableFuture<Object> card = CompletableFuture.supplyAsync(
                    () -> api.get("/api/v1/models/" + id).map().get("name"), clients);
            // The one read thread is taken: both wait (on the general blocking pool they would have answered at once).
            assertThatThrownBy(() -> page.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(card).isNotDone();
            release.countDown();
            assertThat(page.get(30, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(card.get(30, TimeUnit.SECONDS)).isEqualTo("first");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void searchesWaitInTheirOwnLaneAndPagesDoNotWaitForThem() throws Exception {
        create(aModel("zyqxlane probe"));
        CountDownLatch release = new CountDownLatch(1);
        searches.submit(() -> {
            release.await();
            return null;
        });
        ExecutorService clients = Executors.newFixedThreadPool(1);
        try {
            CompletableFuture<Object> search = CompletableFuture.supplyAsync(
                    () -> api.get("/api/v1/models?q=zyqxlane&facets=false").items().get(0).get("name"), clients);
            // The one search thread is taken: a page without a search text answers, the search waits.
            assertThat(api.get("/api/v1/models?facets=false").items()).isNotEmpty();
            assertThatThrownBy(() -> search.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            release.countDown();
            assertThat(search.get(30, TimeUnit.SECONDS)).isEqualTo("zyqxlane probe");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void twoThreadsPerCoreForPagesAndOneForSearchesByDefaultAndQueuedReadsStartInArrivalOrder() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<ExecutorService, Integer> byDefault = Map.of(new CatalogReads().catalogReads(0), 2 * cores,
                new CatalogReads().catalogSearches(0), cores);
        byDefault.forEach((executor, threads) -> {
            assertThat(((ThreadPoolExecutor) executor).getMaximumPoolSize()).isEqualTo(threads);
            executor.shutdownNow();
        });

        ExecutorService one = new CatalogReads().catalogReads(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> started = Collections.synchronizedList(new ArrayList<>());
        one.submit(() -> {
            release.await();
            return null;
        });
        List<Integer> order = IntStream.range(0, 50).boxed().toList();
        order.forEach(i -> one.submit(() -> started.add(i)));
        release.countDown();
        one.shutdown();
        assertThat(one.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(started).containsExactlyElementsOf(order);
    }
}
