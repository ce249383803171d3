package io.modelcat.catalog.hub.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.modelcat.catalog.hub.HubNotFoundException;
import io.modelcat.catalog.problem.http.ProblemResponses;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Hub-shaped 404s: a problem body as everywhere in ModelCat, plus the Hub's {@code X-Error-Code} and
 * {@code X-Error-Message} headers, which {@code huggingface_hub}'s {@code hf_raise_for_status} turns into
 * {@code RepositoryNotFoundError}, {@code RevisionNotFoundError} and {@code EntryNotFoundError}.
 */
@Produces
@Singleton
@Requires(classes = {HubNotFoundException.class, ExceptionHandler.class})
public class HubErrorHandler implements ExceptionHandler<HubNotFoundException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, HubNotFoundException exception) {
        return hubShaped(ProblemResponses.of(HttpStatus.NOT_FOUND, exception.getMessage(), request, List.of()),
                exception.code().name(), exception.getMessage());
    }

    /** Adds the Hub's error headers to a refusal. */
    public static MutableHttpResponse<?> hubShaped(MutableHttpResponse<?> response, String code, String message) {
        if (code != null) {
            response.header("X-Error-Code", code);
        }
        // Header values must be one line of visible ASCII.
        return response.header("X-Error-Message", message.replaceAll("[^\\x20-\\x7e]", " "));
    }
}
