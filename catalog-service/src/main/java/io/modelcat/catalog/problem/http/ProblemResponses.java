package io.modelcat.catalog.problem.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.Problem;
import java.util.List;

/** Builds RFC 9457 problem responses, the one error format of the API. */
public final class ProblemResponses {

    /** Media type of problem bodies. */
    public static final String PROBLEM_JSON = "application/problem+json";

    /** The detail of every 500: what failed is in the server's log, never in the answer. */
    public static final String SERVER_FAILURE = "The server failed to answer this request; the failure is in its log.";

    private ProblemResponses() {
    }

    public static MutableHttpResponse<Problem> of(HttpStatus status, String detail, HttpRequest<?> request,
                                                  List<FieldError> errors) {
        Problem problem = new Problem("about:blank", status.getReason(), status.getCode(), detail,
                request == null ? null : request.getPath(), errors);
        return HttpResponse.<Problem>status(status).body(problem).contentType(PROBLEM_JSON);
    }
}
