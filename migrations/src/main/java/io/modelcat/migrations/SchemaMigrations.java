package io.modelcat.migrations;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the project's schema; safe to call from several processes at once (Flyway holds a PostgreSQL advisory lock). */
public final class SchemaMigrations {

    /** Classpath location of the SQL migrations, shared by both services and the tests. */
    public static final String LOCATION = "classpath:db/migration";

    private SchemaMigrations() {
    }

    /** Migrates the database behind {@code dataSource} to the latest version and returns how many migrations ran. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .load()
                .migrate()
                .migrationsExecuted;
    }

    /** Migrates to {@code version} and no further (a restore loads rows dumped at that version). */
    public static int migrateTo(DataSource dataSource, String version) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .target(version)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
