package io.modelcat.runner.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.store.Database;
import io.modelcat.store.DatabaseUnavailableException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Writes kept through an outage are written once each, in the order they came, however many threads flush them
 * (the runner's schedule and the jobs that end meanwhile): a log line is never stored twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBehindTest {

    private EmbeddedServer runner;
    private Database db;
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<Integer> written = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() {
        runner = RunnerContexts.start(Map.of());
        db = runner.getApplicationContext().getBean(Database.class);
    }

    @BeforeEach
    void nothingWrittenYet() {
        written.clear();
        down.set(false);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    /** A write that fails as an unreachable database does while {@link #down}, and else records its number. */
    private Database.Work<Void> write(int number) {
        return c -> {
            if (down.get()) {
                throw new DatabaseUnavailableException(new SQLException("Connection refused", "08001"));
            }
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_sleep(0.002)");
            }
            written.add(number);
            return null;
        };
    }

    @Test
    void keptWritesAreWrittenOnceEachInOrderWhileManyThreadsFlush() throws Exception {
        WriteBehind writes = new WriteBehind(db, 1000);
        down.set(true);
        for (int i = 0; i < 200; i++) {
            writes.append(write(i));
        }
        assertThat(writes.waiting()).isEqualTo(200);
        writes.flush();
        assertThat(written).isEmpty();

        down.set(false);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> flushes = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                flushes.add(threads.submit(writes::flush));
            }
            // A job that ends meanwhile: its end is written after everything kept before it.
            Future<Integer> end = threads.submit(() -> writes.await(c -> written.size()));
            for (Future<?> flush : flushes) {
                flush.get();
            }
            assertThat(end.get()).isEqualTo(200);
        } finally {
            threads.shutdownNow();
        }
        assertThat(written).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
        assertThat(writes.waiting()).isZero();
    }

    @Test
    void theRunnersOwnScheduleWritesAKeptWriteOnce() throws Exception {
        WriteBehind writes = runner.getApplicationContext().getBean(WriteBehind.class);
        down.set(true);
        writes.append(c -> {
            if (down.get()) {
                throw new DatabaseUnavailableException(new SQLException("Connection refused", "08001"));
            }
            written.add(-1);
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_sleep(2.5)"); // longer than the schedule's period
            }
            return null;
        });
        down.set(false);
        long until = System.nanoTime() + 8_000_000_000L;
        while (writes.waiting() > 0 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(1500);
        assertThat(writes.waiting()).isZero();
        assertThat(written).containsExactly(-1);
    }
}
