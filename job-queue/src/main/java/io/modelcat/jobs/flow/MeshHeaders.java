package io.modelcat.jobs.flow;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP headers the LLM mesh (catalog-service) and its callers (job-runners, for bulk tests) agree on, and how a
 * wait to call again is read: OpenAI's {@code retry-after-ms} to the millisecond, else {@code Retry-After} in seconds,
 * as the mesh sends them and as providers send them to the mesh.
 */
public final class MeshHeaders {

    /** The header naming the bulk-test job a runner calls for. */
    public static final String JOB = "X-ModelCat-Job";
    /** The header of a whole answer giving its estimated cost in USD, when the connection has a price. */
    public static final String COST = "X-ModelCat-Cost-Usd";

    private MeshHeaders() {
    }

    /** The wait an answer asks for, when it gives one as a number. */
    public static Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(v -> number(v, 1));
        return millis.isPresent() ? millis : headers.firstValue("Retry-After").flatMap(v -> number(v, 1000));
    }

    private static Optional<Duration> number(String value, double millisPerUnit) {
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(value.trim()) * millisPerUnit)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
