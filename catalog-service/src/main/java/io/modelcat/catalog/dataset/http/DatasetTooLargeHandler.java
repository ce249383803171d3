package io.modelcat.catalog.dataset.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.modelcat.catalog.dataset.DatasetTooLargeException;
import io.modelcat.catalog.problem.http.ProblemResponses;
import jakarta.inject.Singleton;
import java.util.List;

/** An upload over the dataset size limit answers 413 with a problem body. */
@Produces
@Singleton
@Requires(classes = {DatasetTooLargeException.class, ExceptionHandler.class})
public class DatasetTooLargeHandler implements ExceptionHandler<DatasetTooLargeException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, DatasetTooLargeException exception) {
        return ProblemResponses.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE, exception.getMessage(), request, List.of());
    }
}
