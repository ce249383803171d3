package io.modelcat.catalog.llm;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.flow.MeshHeaders;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a provider: sends the connection's headers and key, and tries again on 429 and 5xx
 * (and on failures to connect) with exponential back-off, waiting as long as the provider's Retry-After asks when
 * that is within {@code modelcat.llm.max-retry-wait}. What the last try answered is returned, whatever its status.
 */
@Singleton
public class ProviderClient {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderClient.class);
    private static final Set<Integer> RETRIED = Set.of(429, 500, 502, 503, 504, 529);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private final HttpClient http;
    private final int maxRetries;
    private final Duration maxRetryWait;
    private final Duration requestTimeout;

    public ProviderClient(@Value("${modelcat.llm.max-retries:2}") int maxRetries,
                          @Value("${modelcat.llm.max-retry-wait:10s}") Duration maxRetryWait,
                          @Value("${modelcat.llm.connect-timeout:5s}") Duration connectTimeout,
                          @Value("${modelcat.llm.request-timeout:300s}") Duration requestTimeout) {
        this.maxRetries = Math.max(0, maxRetries);
        this.maxRetryWait = maxRetryWait;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Where a connection's calls go and what they carry.
     *
     * @param base    the URL that {@code /models} and {@code /chat/completions} hang under, without a trailing '/'
     * @param headers every header to send, the key's Authorization included
     */
    public record Target(String connection, String base, Map<String, String> headers, Signer signer) {

        public Target(String connection, String base, Map<String, String> headers) {
            this(connection, base, headers, Signer.NONE);
        }

        @Override
        public String toString() {
            return "Target[" + connection + ", " + base + "]";
        }
    }

    /**
     * Authorizes each try of a call where a fixed header cannot: AWS SigV4 signs the method, URL, headers and body;
     * Google's service accounts send an access token minted (and cached) from the key.
     */
    @FunctionalInterface
    public interface Signer {

        /** Adds nothing: the connection's key is among its fixed headers. */
        Signer NONE = (method, uri, headers, body) -> Map.of();

        /**
         * The headers to add to a request that will be sent with exactly {@code headers} and {@code body}.
         *
         * @param body the body, or null for a GET
         * @throws Unreachable when the credentials could not be obtained (a token endpoint that refused or failed)
         */
        Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body) throws Unreachable;
    }

    /** The provider could not be reached, after the retries. */
    public static final class Unreachable extends Exception {

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a connection's limit says before a call is tried again (the first try has passed it already). */
    @FunctionalInterface
    public interface Turns {

        /** No limit: every retry may go at once. */
        Turns ANY = () -> true;

        /**
         * Waits for the connection's next turn: false when that is too far off, and the answer that asked for the
         * retry is returned instead.
         */
        boolean awaitTurn() throws Unreachable;
    }

    /**
     * One call, tried again as the class says; the caller reads (and closes) the answer's body.
     *
     * @param body a JSON body to POST, or null for a GET
     */
    public HttpResponse<InputStream> call(Target target, String path, byte[] body) throws Unreachable {
        return call(target, path, body, Turns.ANY);
    }

    /**
     * One call, tried again as the class says, each retry after an answer (a 429, a 5xx) waiting for its turn under
     * the connection's limit too: a retry is a call the provider counts, and retries outside the limit would keep a
     * provider at its limit refusing the calls that keep to it.
     */
    public HttpResponse<InputStream> call(Target target, String path, byte[] body, Turns turns) throws Unreachable {
        return call(target, URI.create(target.base() + path), body, turns);
    }

    /** One call to a whole URL (a provider's other host, e.g. Bedrock's control plane), as {@link #call} says. */
    public HttpResponse<InputStream> call(Target target, URI uri, byte[] body) throws Unreachable {
        return call(target, uri, body, Turns.ANY);
    }

    private HttpResponse<InputStream> call(Target target, URI uri, byte[] body, Turns turns) throws Unreachable {
        int attempt = 0;
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout);
            Map<String, String> headers = new LinkedHashMap<>(target.headers());
            if (body != null) {
                headers.put("Content-Type", "application/json");
            }
            headers.putAll(target.signer().sign(body == null ? "GET" : "POST", uri, Map.copyOf(headers), body));
            headers.forEach(request::header);
            if (body == null) {
                request.GET();
            } else {
                request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
            }
            HttpResponse<InputStream> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt >= maxRetries) {
                    throw new Unreachable("connection '" + target.connection() + "' could not be reached at "
                            + target.base() + ": " + describe(e), e);
                }
                pause(backoff(attempt++));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unreachable("interrupted while calling connection '" + target.connection() + "'", e);
            }
            if (!RETRIED.contains(answer.statusCode()) || attempt >= maxRetries) {
                return answer;
            }
            Duration wait = MeshHeaders.retryAfter(answer.headers()).orElse(backoff(attempt));
            if (wait.compareTo(maxRetryWait) > 0) {
                return answer;
            }
            LOG.debug("connection {} answered {}; trying again in {}", target.connection(), answer.statusCode(), wait);
            pause(wait);
            if (!turns.awaitTurn()) {
                return answer;
            }
            discard(answer);
            attempt++;
        }
    }

    private static Duration backoff(int attempt) {
        return FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt, 6));
    }

    private static void discard(HttpResponse<InputStream> answer) {
        try (InputStream in = answer.body()) {
            in.readAllBytes();
        } catch (IOException e) {
            // The answer is dropped anyway.
        }
    }

    private static void pause(Duration wait) throws Unreachable {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting to try again", e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
