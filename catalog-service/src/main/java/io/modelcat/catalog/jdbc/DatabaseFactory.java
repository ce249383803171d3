package io.modelcat.catalog.jdbc;

import io.micronaut.context.annotation.Factory;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.sql.Connection;

/** The catalog's one way to run SQL (its own tables' and the store's): transactions from Micronaut Data. */
@Factory
class DatabaseFactory {

    @Singleton
    Database database(TransactionOperations<Connection> tx, ConnectionOperations<Connection> connections) {
        return new Database(tx, connections);
    }
}
