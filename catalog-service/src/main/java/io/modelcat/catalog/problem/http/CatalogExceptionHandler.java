package io.modelcat.catalog.problem.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.modelcat.catalog.problem.CatalogException;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.ForbiddenException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.catalog.problem.PayloadTooLargeException;
import io.modelcat.catalog.problem.TooManyRequestsException;
import io.modelcat.catalog.problem.UnauthenticatedException;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Maps the domain's failures to problem responses: invalid field 400, not signed in 401, not allowed
 * 403, not found 404, conflict 409, too large 413, too many attempts 429 (with Retry-After).
 */
@Produces
@Singleton
@Requires(classes = {CatalogException.class, ExceptionHandler.class})
public class CatalogExceptionHandler implements ExceptionHandler<CatalogException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, CatalogException exception) {
        if (exception instanceof InvalidFieldException invalid) {
            return ProblemResponses.of(HttpStatus.BAD_REQUEST, "The request has invalid fields: "
                    + invalid.getMessage(), request, invalid.errors());
        }
        if (exception instanceof TooManyRequestsException tooMany) {
            return ProblemResponses.of(HttpStatus.TOO_MANY_REQUESTS, tooMany.getMessage(), request, List.of())
                    .header("Retry-After", String.valueOf(tooMany.retryAfter().toSeconds()));
        }
        if (exception instanceof UnauthenticatedException) {
            return ProblemResponses.of(HttpStatus.UNAUTHORIZED, exception.getMessage(), request, List.of())
                    .header("WWW-Authenticate", "Bearer realm=\"ModelCat\"");
        }
        HttpStatus status = exception instanceof NotFoundException ? HttpStatus.NOT_FOUND
                : exception instanceof PayloadTooLargeException ? HttpStatus.REQUEST_ENTITY_TOO_LARGE
                : exception instanceof ConflictException ? HttpStatus.CONFLICT
                : exception instanceof ForbiddenException ? HttpStatus.FORBIDDEN
                : HttpStatus.BAD_REQUEST;
        return ProblemResponses.of(status, exception.getMessage(), request, List.of());
    }
}
