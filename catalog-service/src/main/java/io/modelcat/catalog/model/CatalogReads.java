package io.modelcat.catalog.model;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read the catalog for its list and card routes: a few, and a queue that serves requests in the
 * order they came.
 *
 * <p>A catalog read is short work on the CPU, half in this service (HTTP, JSON) and half in PostgreSQL. Run on the
 * general blocking pool (32 threads), 200 concurrent readers had 32 pages in progress at once, each sharing the cores
 * with the others and with PostgreSQL's backends, and finishing in no particular order: a long tail. With about as
 * many threads as the cores can keep busy (two per core by default), each page runs nearly alone and the waiting ones
 * are taken first come, first served: at 200 connections on 2 cores the single pages' p99 fell from 68-94 ms to 47-61 ms,
 * with more pages served (docs/performance.md, "Catalog reads in arrival order"). Routes that wait for something else (the gateway's
 * calls to runners, uploads, jobs) stay on the blocking pool, where a slow wait cannot hold the catalog up. Where the
 * database is on another machine each read also waits for the network; raise {@code modelcat.catalog.read-threads}
 * there.
 *
 * <p>List pages with a search text have threads and a queue of their own ({@code modelcat.catalog.search-threads}, one
 * per core unless set). A search ranks every card that matches, milliseconds of PostgreSQL's time where a page takes a
 * fraction of one: in the pages' queue, searches held the pages behind them, and with as many threads as the pages
 * they took the cores from them (docs/performance.md, "Searches in a lane of their own"). One per core keeps
 * searches alone as fast as with more.
 */
@Factory
public class CatalogReads {

    /** The executor's name, for {@code @ExecuteOn} and {@code @Named}. */
    public static final String NAME = "catalog-reads";
    /** The executor of list pages with a search text, for {@code @Named}. */
    public static final String SEARCHES = "catalog-searches";

    @Singleton
    @Named(NAME)
    @Bean(preDestroy = "shutdown")
    ExecutorService catalogReads(@Value("${modelcat.catalog.read-threads:0}") int threads) {
        return inArrivalOrder("catalog-read-", threads > 0 ? threads : 2 * Runtime.getRuntime().availableProcessors());
    }

    @Singleton
    @Named(SEARCHES)
    @Bean(preDestroy = "shutdown")
    ExecutorService catalogSearches(@Value("${modelcat.catalog.search-threads:0}") int threads) {
        return inArrivalOrder("catalog-search-", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }

    /** {@code count} threads named {@code prefix} and a number, and a first-in first-out queue. */
    private static ExecutorService inArrivalOrder(String prefix, int count) {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread thread = new Thread(task, prefix + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newFixedThreadPool(count, named);
    }
}
