package io.modelcat.catalog.change;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.modelcat.catalog.access.Authenticator;
import io.modelcat.catalog.deploy.Gateway;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.store.change.ChangeNotices;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this catalog service's caches in step with the other catalog services and runners on the same database:
 * listens for their change notices ({@link ChangeNotices}, sent on commit) and empties the matching cache at once,
 * the access checks or the list pages and facet counts. It holds one connection of its own, outside the pool, on a
 * background thread. While that connection is down the caches fall back to their time-to-live; it reconnects with
 * back-off, and empties every cache once it is back, since notices sent meanwhile are lost.
 */
@Singleton
public class ChangeListener implements ApplicationEventListener<ApplicationStartupEvent>, MeterBinder {

    /** The listening connection's {@code application_name} in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "modelcat-change-listener";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);
    private static final long FIRST_RETRY_MILLIS = 200;
    private static final long MAX_RETRY_MILLIS = 30_000;
    /** How long to wait for a notice before asking the server whether the connection still works. */
    private static final int IDLE_CHECK_MILLIS = 10_000;
    /** A connection that does not answer that check within this many seconds counts as lost (a dead network). */
    private static final int VALID_CHECK_SECONDS = 10;

    /** Looked up by the thread: the meter registry creates this binder before the beans behind the caches exist. */
    private final Provider<Authenticator> authenticator;
    private final Provider<ModelService> models;
    /** Its routes know which accounts flow deployments call LLMs as, and whether those are enabled. */
    private final Provider<Gateway> gateway;
    private final String jdbcUrl;
    private final Properties properties = new Properties();
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Connection connection;
    private Thread thread;

    public ChangeListener(Provider<Authenticator> authenticator, Provider<ModelService> models,
                          Provider<Gateway> gateway, @Value("${datasources.default.url}") String jdbcUrl,
                          @Value("${datasources.default.username:}") String user,
                          @Value("${datasources.default.password:}") String password) {
        this.authenticator = authenticator;
        this.models = models;
        this.gateway = gateway;
        this.jdbcUrl = jdbcUrl;
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("tcpKeepAlive", "true");
    }

    @Override
    public void onApplicationEvent(ApplicationStartupEvent event) {
        thread = new Thread(this::run, "modelcat-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("modelcat.cache.notifications.connected", this, l -> l.connected ? 1 : 0)
                .description("1 while this catalog service receives other services' change notices (LISTEN), "
                        + "0 while its caches fall back to their time-to-live")
                .register(registry);
    }

    /** Whether change notices reach this service now. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        long retryMillis = FIRST_RETRY_MILLIS;
        long lostAt = 0;
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, properties)) {
                connection = c;
                ChangeNotices.listen(c);
                connected = true;
                // Listening first, then emptying: a change committed in between is either seen here or heard.
                forgetEverything();
                if (lostAt == 0) {
                    LOG.info("Listening for other catalog services' changes (PostgreSQL LISTEN {})", ChangeNotices.CHANNELS);
                } else {
                    LOG.info("Change notices flow again after {} ms; caches emptied once (changes may have been missed)",
                            Duration.ofNanos(System.nanoTime() - lostAt).toMillis());
                }
                lostAt = 0;
                retryMillis = FIRST_RETRY_MILLIS;
                receive(c);
            } catch (SQLException | RuntimeException e) {
                connected = false;
                if (!running) {
                    break;
                }
                if (lostAt == 0) {
                    lostAt = System.nanoTime();
                }
                LOG.warn("Change notices from other catalog services lost ({}); caches fall back to their time-to-live; "
                        + "reconnecting in {} ms", e.getMessage(), retryMillis);
                sleepQuietly(retryMillis);
                retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
            } finally {
                connected = false;
                connection = null;
            }
        }
    }

    private void receive(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
            PGNotification[] notifications = pg.getNotifications(IDLE_CHECK_MILLIS);
            if (notifications == null || notifications.length == 0) {
                if (!c.isValid(VALID_CHECK_SECONDS)) {
                    throw new SQLException("the database did not answer within " + VALID_CHECK_SECONDS + " s");
                }
                continue;
            }
            // Many notices arrive together under load: each cache is emptied once per batch.
            Set<String> channels = new HashSet<>();
            for (PGNotification n : notifications) {
                channels.add(n.getName());
            }
            if (channels.contains(ChangeNotices.ACCESS_CHANNEL)) {
                authenticator.get().forgetAll();
                gateway.get().forgetRoutes();
            }
            if (channels.contains(ChangeNotices.CARDS_CHANNEL)) {
                models.get().cardsChanged();
            }
        }
    }

    private void forgetEverything() {
        authenticator.get().forgetAll();
        gateway.get().forgetRoutes();
        models.get().cardsChanged();
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
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Closing the change listener's connection: {}", e.getMessage());
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
