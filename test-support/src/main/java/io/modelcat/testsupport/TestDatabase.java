package io.modelcat.testsupport;

import io.modelcat.migrations.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one real PostgreSQL that tests use, decided once per JVM.
 *
 * <p>If {@value #URL_VARIABLE} names a server (a JDBC URL such as
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}), that server is used; otherwise,
 * where a Docker engine answers, Testcontainers starts PostgreSQL 16; otherwise an embedded
 * PostgreSQL 16 (real binaries from a Maven artifact) is started. Either way a fresh database is created for this
 * JVM, migrated with the project's migrations and dropped when the JVM exits, so that test runs of
 * different modules never see each other's rows.
 */
public final class TestDatabase {

    /** Environment variable (or system property) naming an existing PostgreSQL server for tests. */
    public static final String URL_VARIABLE = "MODELCAT_TEST_DATABASE_URL";

    private static final Logger LOG = Logger.getLogger(TestDatabase.class.getName());
    // Accounts and their API tokens stay: tests make them once per database (see the catalog's TestAccounts). So do
    // model_facet_count's rows (emptying the cards sets their counts to 0, V42): a catalog service tells a combination
    // added since it read them by their number.
    private static final List<String> APP_TABLES = List.of(
            "batch_mini_batch", "batch_job", "batch_deployment", "batch_endpoint", "deployment_traffic", "deployment_instance", "deployment",
            "endpoint", "prediction_sample", "metric", "job_dataset", "job_log", "job", "worker", "dataset", "model_version", "model",
            "bulk_test_row", "bulk_test", "prompt_flow", "llm_call_slot", "llm_rate_bucket", "llm_usage", "llm_connection", "audit_event", "login_failure", "web_session", "secret", "runner_token");

    private static volatile TestDatabase shared;

    private final ServerAddress server;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String source;

    private TestDatabase(ServerAddress server, String dbName) {
        this.server = server;
        this.jdbcUrl = server.withDatabase(dbName);
        this.user = server.user();
        this.password = server.password();
        this.source = server.description();
    }

    /** The database shared by all tests of this JVM, created and migrated on first use. */
    public static TestDatabase shared() {
        TestDatabase db = shared;
        if (db == null) {
            synchronized (TestDatabase.class) {
                db = shared;
                if (db == null) {
                    db = start();
                    shared = db;
                }
            }
        }
        return db;
    }

    private static TestDatabase start() {
        String configured = System.getProperty(URL_VARIABLE, System.getenv(URL_VARIABLE));
        ServerAddress server;
        if (configured != null && !configured.isBlank()) {
            server = ServerAddress.parse(configured.trim(), URL_VARIABLE + "=" + configured.trim());
        } else if (dockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            server = new ServerAddress(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword(), "Testcontainers (" + container.getDockerImageName() + ")");
        } else {
            server = startEmbedded();
        }
        TestDatabase db = createMigrated(server);
        LOG.info(() -> "Tests use PostgreSQL from " + db.source + ", database " + db.jdbcUrl);
        System.out.println("[test-support] PostgreSQL for tests: " + db.source + ", database " + db.jdbcUrl);
        return db;
    }

    /** Another new, migrated database on the same server, for tests that need one nobody else touched. */
    public TestDatabase freshDatabase() {
        return createMigrated(server);
    }

    private static TestDatabase createMigrated(ServerAddress server) {
        String dbName = "modelcat_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(server.url(), server.user(), server.password(), "CREATE DATABASE " + dbName);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> execute(server.url(), server.user(),
                server.password(), "DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)")));
        TestDatabase db = new TestDatabase(server, dbName);
        SchemaMigrations.migrate(db.dataSource());
        return db;
    }

    private static ServerAddress startEmbedded() {
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException e) {
                    LOG.warning("Could not stop the embedded PostgreSQL: " + e.getMessage());
                }
            }));
            return new ServerAddress(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null,
                    "embedded PostgreSQL on port " + embedded.getPort() + " (no Docker engine and no "
                            + URL_VARIABLE + ")");
        } catch (IOException e) {
            throw new IllegalStateException("No Docker engine is reachable and " + URL_VARIABLE + " is not set, "
                    + "and the embedded PostgreSQL did not start: " + e.getMessage() + ". Set " + URL_VARIABLE
                    + ", e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }

    /** JDBC URL of this JVM's test database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Where the server came from: the environment variable or Testcontainers. */
    public String source() {
        return source;
    }

    /** A fresh, unpooled data source for direct SQL in tests. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /** Datasource settings for a Micronaut application context pointed at this database. */
    public Map<String, Object> micronautProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("datasources.default.url", jdbcUrl);
        p.put("datasources.default.username", user == null ? "" : user);
        p.put("datasources.default.password", password == null ? "" : password);
        return p;
    }

    /** Empties every application table (Quartz's and Flyway's tables are left alone). */
    public void truncateAll() {
        executeHere("TRUNCATE " + String.join(", ", APP_TABLES) + " CASCADE");
    }

    /** Runs one SQL statement against this database. */
    public void executeHere(String sql) {
        execute(jdbcUrl, user, password, sql);
    }

    /** A server given by a JDBC URL, with the credentials split out of its query string. */
    private record ServerAddress(String url, String user, String password, String description) {

        static ServerAddress parse(String jdbcUrl, String description) {
            if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalStateException(URL_VARIABLE + " must be a JDBC URL starting with "
                        + "jdbc:postgresql://, got: " + jdbcUrl);
            }
            String user = System.getenv("MODELCAT_TEST_DATABASE_USER");
            String password = System.getenv("MODELCAT_TEST_DATABASE_PASSWORD");
            int q = jdbcUrl.indexOf('?');
            String base = q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
            StringBuilder rest = new StringBuilder();
            if (q >= 0) {
                for (String pair : jdbcUrl.substring(q + 1).split("&")) {
                    String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                    String value = pair.contains("=") ? pair.substring(pair.indexOf('=') + 1) : "";
                    switch (key.toLowerCase(Locale.ROOT)) {
                        case "user" -> user = value;
                        case "password" -> password = value;
                        default -> rest.append(rest.length() == 0 ? "?" : "&").append(pair);
                    }
                }
            }
            return new ServerAddress(base + rest, user, password, description);
        }

        /** The same server with another database name in the URL path. */
        String withDatabase(String dbName) {
            int hostStart = "jdbc:postgresql://".length();
            int slash = url.indexOf('/', hostStart);
            int q = url.indexOf('?');
            String hostPart = slash < 0 ? (q < 0 ? url : url.substring(0, q)) : url.substring(0, slash);
            String query = q < 0 ? "" : url.substring(q);
            return hostPart + "/" + dbName + query;
        }
    }
}
