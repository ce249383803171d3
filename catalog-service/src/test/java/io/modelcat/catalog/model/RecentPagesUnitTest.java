package io.modelcat.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.model.ModelQuery;
import io.modelcat.store.model.ModelSort;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
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
    void thePagesKeptHoldAtMostMaxCardsCards() {
        RecentPages pages = new RecentPages(Duration.ofMinutes(1));
        ModelSummary card = new ModelSummary(UUID.randomUUID(), "card", null, "", "fill-mask", List.of(), null, List.of(),
                null, null, new ModelCard.Source("manual", null, null), "ready", null, null, 0, Instant.EPOCH,
                Instant.EPOCH, 1, "modelcat/card", null);
        ModelPage hundred = new ModelPage(Collections.nCopies(100, card), null, null, null);
        int fit = RecentPages.MAX_CARDS / 100;
        for (int i = 0; i < fit; i++) {
            pages.put(request("licence-" + i), hundred, pages.generation());
        }
        pages.put(request("licence-0"), hundred, pages.generation());
        assertThat(pages.get(request("licence-0"))).as("a page put again replaces its cards").isPresent();
        assertThat(pages.get(request("licence-" + (fit - 1)))).isPresent();
        pages.put(request("one more"), page("x"), pages.generation());
        assertThat(pages.get(request("licence-0"))).as("full: the kept pages are let go").isEmpty();
        assertThat(pages.get(request("licence-" + (fit - 1)))).isEmpty();
        assertThat(pages.get(request("one more"))).as("but the new one").contains(page("x"));
    }

    @Test
    void aZeroTimeToLiveKeepsNothing() {
        RecentPages pages = new RecentPages(Duration.ZERO);
        pages.put(request("mit"), page("a"), pages.generation());
        assertThat(pages.get(request("mit"))).isEmpty();
    }
}
