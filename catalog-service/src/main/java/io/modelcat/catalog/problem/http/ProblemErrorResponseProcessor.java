package io.modelcat.catalog.problem.http;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.Problem;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Gives the framework's own errors (malformed JSON, a body or parameter of the wrong type, a missing parameter, an
 * unknown route, a wrong media type) the same problem-details format as the API's, without stack traces. The
 * framework's handlers of binding failures all answer through here, so this is the one place that names the field
 * (see {@link UnreadableInput}) for every endpoint.
 */
@Singleton
@Primary
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        Optional<UnreadableInput> unreadable = status == HttpStatus.BAD_REQUEST
                ? context.getRootCause().flatMap(UnreadableInput::of) : Optional.empty();
        List<FieldError> errors = unreadable.map(UnreadableInput::errors).orElseGet(() -> context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new FieldError(withoutSlash(e.getPath().get()), e.getMessage()))
                .toList());
        String detail = unreadable.map(UnreadableInput::detail).orElseGet(() -> context.getErrors().stream()
                .map(Error::getMessage).findFirst().orElse(status.getReason()));
        if (status.getCode() >= 500) {
            detail = ProblemResponses.SERVER_FAILURE;
            errors = List.of();
        }
        Problem problem = new Problem("about:blank", status.getReason(), status.getCode(), detail,
                context.getRequest().getPath(), errors);
        return response.body(problem).contentType(ProblemResponses.PROBLEM_JSON);
    }

    /** The framework writes a parameter as a JSON pointer ({@code /limit}); the API names fields without one. */
    private static String withoutSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
