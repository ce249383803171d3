package io.modelcat.catalog.problem.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.modelcat.store.DatabaseErrors;
import io.modelcat.store.DiskFull;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to any failure that no more specific handler answers. A database that cannot be reached (however the
 * failure shows: through our SQL, the connection pool, or Quartz) is 503 with Retry-After, since the request may
 * well succeed when it returns; a full disk is 507; anything else is a 500 whose details stay in the log.
 */
@Produces
@Singleton
@Requires(classes = ExceptionHandler.class)
public class ServerFailureHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {

    /** How long a client is asked to wait before trying again while the database is unreachable. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(ServerFailureHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, RuntimeException exception) {
        if (DatabaseErrors.unavailable(exception)) {
            LOG.warn("{} {}: the database is unreachable ({})", request.getMethod(), request.getPath(),
                    exception.getMessage());
            return ProblemResponses.of(HttpStatus.SERVICE_UNAVAILABLE, "The database is unreachable, so ModelCat "
                            + "cannot answer now. Try again in " + RETRY_AFTER_SECONDS
                            + " s: it answers as soon as the database is back.", request, List.of())
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        if (DiskFull.is(exception)) {
            LOG.error("{} {}: the disk is full ({})", request.getMethod(), request.getPath(), exception.getMessage());
            return ProblemResponses.of(HttpStatus.INSUFFICIENT_STORAGE, "The server's disk is full, so this could "
                    + "not be stored; nothing of it was kept. An operator must free space under MODELCAT_HOME.",
                    request, List.of());
        }
        LOG.error("{} {} failed", request.getMethod(), request.getPath(), exception);
        return ProblemResponses.of(HttpStatus.INTERNAL_SERVER_ERROR, ProblemResponses.SERVER_FAILURE, request,
                List.of());
    }
}
