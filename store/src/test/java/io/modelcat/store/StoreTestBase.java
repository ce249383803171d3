package io.modelcat.store;

import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Store tests against the real schema: the shared test database, emptied before each test, and a connection. */
public abstract class StoreTestBase {

    protected final TestDatabase db = TestDatabase.shared();
    protected Connection c;

    @BeforeEach
    void connect() throws SQLException {
        db.truncateAll();
        c = db.dataSource().getConnection();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }
}
