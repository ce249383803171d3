package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.model.ModelQuery;
import io.modelcat.store.model.ModelSort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentPagesUnitTest {

    private static ModelService.ListRequest request(String license) {
        return new ModelService.ListRequest(new ModelQuery(List.of(), List.of(), List.of(license), List.of(), List.of(),
                ModelSort.NAME, 20, null), false);
    }

    private static ModelPage page(String cursor) {
        return new ModelPage(List.of(), cursor, null, null);
    }

    @Test
    void aFreshPageIsReusedPerRequestAndClearedByWrites() {
        RecentPages pages = new RecentPages(Duration.ofMinutes(1));
        assertThat(pages.get(request("mit"))).isEmpty();
        pages.put(request("mit"), page("a"), pages.generation());
        assertThat(pages.get(request("mit"))).contains(page("a"));
        assertThat(pages.get(request("apache-2.0"))).isEmpty();
        pages.clear();
        assertThat(pages.get(request("mit"))).isEmpty();
    }

    @Test
    void anExpiredPageIsReadAgainByOneRequestWhileTheOthersGetThePreviousOne() throws InterruptedException {
        RecentPages pages = new RecentPages(Duration.ofMillis(50));
        pages.put(request("mit"), page("old"), pages.generation());
        Thread.sleep(80);
        assertThat(pages.get(request("mit"))).as("the first request after expiry reads again").isEmpty();
        assertThat(pages.get(request("mit"))).as("the others meanwhile").contains(page("old"));
        pages.put(request("mit"), page("new"), pages.generation());
        assertThat(pages.get(request("mit"))).contains(page("new"));

        Thread.sleep(80);
        assertThat(pages.get(request("mit"))).isEmpty();
        pages.readFailed(request("mit"));
        assertThat(pages.get(request("mit"))).as("after a failed read the next request tries again").isEmpty();
    }

    @Test
    void aPageReadBeforeAClearIsNotKept() {
        RecentPages pages = new RecentPages(Duration.ofMinutes(1));
        long readFrom = pages.generation();
        pages.clear();
        pages.put(request("mit"), page("read before the change"), readFrom);
        assertThat(pages.get(request("mit"))).as("it may not show the change that cleared the cache").isEmpty();
    }

    @Test
    void aZeroTimeToLiveKeepsNothing() {
        RecentPages pages = new RecentPages(Duration.ZERO);
        pages.put(request("mit"), page("a"), pages.generation());
        assertThat(pages.get(request("mit"))).isEmpty();
    }
}
