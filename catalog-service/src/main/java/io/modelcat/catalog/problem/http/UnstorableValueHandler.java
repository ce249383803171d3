package io.modelcat.catalog.problem.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.store.UnstorableValueException;
import jakarta.inject.Singleton;

/**
 * A value the database cannot store came with the request (a NUL character, an invalid Unicode escape in JSON, a
 * number out of range): a 400 naming the body, like any other invalid field.
 */
@Produces
@Singleton
@Requires(classes = {UnstorableValueException.class, ExceptionHandler.class})
public class UnstorableValueHandler implements ExceptionHandler<UnstorableValueException, HttpResponse<?>> {

    private final CatalogExceptionHandler problems;

    public UnstorableValueHandler(CatalogExceptionHandler problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, UnstorableValueException exception) {
        return problems.handle(request, new InvalidFieldException("body", "holds a value that cannot be stored ("
                + exception.reason() + "); texts may not contain NUL characters"));
    }
}
