package io.modelcat.catalog.problem.http;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.Problem;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Gives the framework's own errors (malformed JSON, a body or parameter of the wrong type, a missing parameter, an
 * unknown route, a wrong media type) the same problem-details format as the API's, without stack traces. The
 * framework's handlers of binding failures all answer through here, so this is the one place that names the field
 * (see {@link UnreadableInput}) for every endpoint. A request whose first line or headers are longer than the server
 * reads is answered 414 or 431 with the limit it went past (the framework says 413, "Request Entity Too Large",
 * for both, which points at the body).
 */
@Singleton
@Primary
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    private final NettyHttpServerConfiguration server;

    public ProblemErrorResponseProcessor(NettyHttpServerConfiguration server) {
        this.server = server;
    }

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        Optional<Problem> tooLong = tooLongToRead(context.getRequest());
        if (tooLong.isPresent()) {
            return response.status(tooLong.get().status()).body(tooLong.get())
                    .contentType(ProblemResponses.PROBLEM_JSON);
        }
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

    /**
     * The answer to a request that the server stopped reading because its first line (method, path and query) or its
     * headers went past the server's limits: such a request has no path to name, and no route saw it.
     */
    private Optional<Problem> tooLongToRead(HttpRequest<?> request) {
        if (!(request instanceof NettyHttpRequest<?> netty)) {
            return Optional.empty();
        }
        Throwable cause = netty.getNativeRequest().decoderResult().cause();
        if (cause instanceof TooLongHttpLineException) {
            return Optional.of(problem(HttpStatus.REQUEST_URI_TOO_LONG, "The request's first line (method, path and "
                    + "query string) is longer than the " + server.getMaxInitialLineLength() + " bytes this server "
                    + "reads (micronaut.server.netty.max-initial-line-length): send fewer or shorter query "
                    + "parameters."));
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Optional.of(problem(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request's headers are longer "
                    + "than the " + server.getMaxHeaderSize() + " bytes this server reads "
                    + "(micronaut.server.netty.max-header-size): send fewer or shorter headers or cookies."));
        }
        return Optional.empty();
    }

    private static Problem problem(HttpStatus status, String detail) {
        return new Problem("about:blank", status.getReason(), status.getCode(), detail, null, List.of());
    }

    /** The framework writes a parameter as a JSON pointer ({@code /limit}); the API names fields without one. */
    private static String withoutSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
