package io.modelcat.runner.schedule;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.modelcat.jobs.JobQueue;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for the catalog's "job queued" notifications (PostgreSQL LISTEN/NOTIFY) and wakes the
 * matching Quartz member at once, so that a free runner starts a new job in milliseconds rather than
 * after Quartz's idle wait. Without notifications (a lost connection) runners still find jobs by polling.
 */
@Singleton
public class SubmissionListener implements ApplicationEventListener<ApplicationStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionListener.class);

    private final RunnerScheduler scheduler;
    private final String jdbcUrl;
    private final Properties credentials = new Properties();
    private volatile boolean running = true;
    private Thread thread;

    public SubmissionListener(RunnerScheduler scheduler,
                              @Value("${datasources.default.url}") String jdbcUrl,
                              @Value("${datasources.default.username:}") String user,
                              @Value("${datasources.default.password:}") String password) {
        this.scheduler = scheduler;
        this.jdbcUrl = jdbcUrl;
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
    }

    @Override
    public void onApplicationEvent(ApplicationStartupEvent event) {
        thread = new Thread(this::listen, "modelcat-submission-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, credentials)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + JobQueue.SUBMISSION_CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            scheduler.wake(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("Job notifications lost ({}); polling until reconnected", e.getMessage());
                    sleepQuietly(2000);
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
