package io.modelcat.runner.execute;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.modelcat.store.Database;
import io.modelcat.store.DatabaseUnavailableException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's writes about running jobs, made so that a database outage loses none of them: while PostgreSQL is
 * unreachable, log lines and metric values are kept in memory in the order they came, a job's progress as its
 * latest value, and all are written, in that order, as soon as the database answers again. A write that the job
 * cannot go on without (how it ended) waits for the database, after everything kept before it.
 */
@Singleton
public class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    private final Database db;
    private final int limit;
    /** Writes waiting for the database, oldest first; keyed writes keep their place when replaced. */
    private final LinkedHashMap<Object, Database.Work<?>> pending = new LinkedHashMap<>();
    /** Held by the one thread that writes the kept writes (the schedule's or a job's end), so none is written twice. */
    private final Object flushing = new Object();
    private long dropped;

    public WriteBehind(Database db, @Value("${modelcat.runner.outage-buffer:100000}") int limit) {
        this.db = db;
        this.limit = limit;
    }

    /** Writes {@code work} now, or after the outage (and after all writes kept before it). */
    public void append(Database.Work<?> work) {
        keep(new Object(), work);
    }

    /** Like {@link #append}, but a later write with the same key replaces one still waiting (a job's progress). */
    public void latest(Object key, Database.Work<?> work) {
        keep(key, work);
    }

    /**
     * Writes {@code work} once every write kept before it is written, waiting for the database as long as it takes
     * (checking again every few seconds); answers what the work answered.
     */
    public <T> T await(Database.Work<T> work) {
        Duration wait = Duration.ofMillis(500);
        long since = System.nanoTime();
        while (true) {
            flush();
            if (isEmpty()) {
                try {
                    return db.write(work);
                } catch (DatabaseUnavailableException e) {
                    LOG.warn("Waiting for the database to record a job's end ({} s so far): {}",
                            Duration.ofNanos(System.nanoTime() - since).toSeconds(), e.getMessage());
                }
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the database", e);
            }
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        }
    }

    /**
     * Writes what was kept, oldest first, until done or the database fails again; runs every second. One thread at
     * a time: another that calls it meanwhile waits for it, so a kept write is written once.
     */
    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    public void flush() {
        synchronized (flushing) {
            flushKept();
        }
    }

    private void flushKept() {
        int written = 0;
        while (true) {
            Map.Entry<Object, Database.Work<?>> next;
            synchronized (this) {
                Iterator<Map.Entry<Object, Database.Work<?>>> it = pending.entrySet().iterator();
                if (!it.hasNext()) {
                    break;
                }
                Map.Entry<Object, Database.Work<?>> oldest = it.next();
                next = Map.entry(oldest.getKey(), oldest.getValue());
            }
            try {
                db.write(next.getValue());
            } catch (DatabaseUnavailableException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("A kept write failed and is dropped: {}", e.getMessage());
            }
            synchronized (this) {
                // A keyed write replaced while this one was being written stays, to be written next.
                pending.remove(next.getKey(), next.getValue());
                written++;
            }
        }
        if (written > 0) {
            LOG.info("The database answers again: {} write(s) kept during the outage are written", written);
        }
    }

    private void keep(Object key, Database.Work<?> work) {
        if (isEmpty()) {
            try {
                db.write(work);
                return;
            } catch (DatabaseUnavailableException e) {
                LOG.warn("{}; the runner keeps its jobs' logs, metrics and progress in memory (up to {} writes) "
                        + "and writes them when it returns", e.getMessage(), limit);
            }
        }
        synchronized (this) {
            pending.put(key, work);
            Iterator<Object> oldest = pending.keySet().iterator();
            while (pending.size() > limit) {
                oldest.next();
                oldest.remove();
                if (++dropped % 1000 == 1) {
                    LOG.error("The outage lasts: {} kept write(s) dropped so far, oldest first", dropped);
                }
            }
        }
    }

    private synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    /** How many writes wait for the database. */
    public synchronized int waiting() {
        return pending.size();
    }
}
