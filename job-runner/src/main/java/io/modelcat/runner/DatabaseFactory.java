package io.modelcat.runner;

import io.micronaut.context.annotation.Factory;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.sql.Connection;

/** The runner's one way to run SQL (the store's and the credentials'): transactions from Micronaut Data. */
@Factory
class DatabaseFactory {

    @Singleton
    Database database(TransactionOperations<Connection> tx, ConnectionOperations<Connection> connections) {
        return new Database(tx, connections);
    }
}
