package io.modelcat.hub;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends GET requests to the Hub: follows redirects itself so the token only goes to the Hub's own origin,
 * and turns error answers into {@link HubException}s.
 *
 * <p>The transport is {@link HttpURLConnection} over HTTP/1.1 rather than {@code java.net.http.HttpClient}: reading a
 * 256 MiB file body through HttpClient cost about 0.35 s of CPU (a fresh heap buffer per socket read, handed from its
 * selector thread to ours), HttpURLConnection about 0.05 s, which on a 2-core machine decided whether imports kept up
 * with {@code curl} (docs/performance.md, "Import throughput"). It also has a real read timeout for bodies, so a
 * stalled transfer fails by itself and is resumed. It does not follow redirects here and does not cache.
 */
final class HubHttp {

    private static final Logger LOG = LoggerFactory.getLogger(HubHttp.class);
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_ERROR_BODY = 4096;
    private static final String USER_AGENT = "modelcat-hub-client/0.1 (java.net)";
    /** Answers no challenge, so a JVM-wide default {@link Authenticator} never sends its credentials to the Hub or a CDN. */
    private static final Authenticator NO_CREDENTIALS = new Authenticator() { };
    private static final Pattern JSON_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** What a request was about, for error messages. */
    record Target(ModelId id, String filename) {
    }

    /**
     * The final answer after redirects, its body not read yet, with the headers of the Hub's own first answer
     * ({@code X-Repo-Commit}, {@code X-Linked-Etag} and {@code X-Linked-Size} are only there). Closing it closes the
     * body: a body read to its end leaves the connection for the next request, any other closes the connection.
     */
    record Answer(HttpURLConnection connection, int status, HttpHeaders headers, HttpHeaders hubHeaders)
            implements Closeable {

        /** The body; for error statuses the error body, empty when there is none. */
        InputStream body() throws IOException {
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return body == null ? InputStream.nullInputStream() : body;
        }

        @Override
        public void close() {
            try {
                body().close();
            } catch (IOException e) {
                // nothing left to release: the connection is gone already
            }
        }
    }

    private final HubClientSettings settings;

    HubHttp(HubClientSettings settings) {
        this.settings = settings;
    }

    HubClientSettings settings() {
        return settings;
    }

    URI uri(String path) {
        return URI.create(settings.endpoint() + path);
    }

    /**
     * GET {@code uri}, following redirects; {@code rangeStart > 0} asks for the bytes from there on. The caller closes
     * the answer.
     */
    Answer get(URI uri, long rangeStart) throws IOException, InterruptedException {
        URI current = uri;
        HttpHeaders hubHeaders = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            // HttpURLConnection does not notice interrupts: look before each request.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            HttpURLConnection connection = open(current, rangeStart);
            int status;
            HttpHeaders headers;
            try {
                status = connection.getResponseCode();
                headers = headers(connection);
            } catch (IOException | RuntimeException e) {
                connection.disconnect();
                throw e;
            }
            if (hubHeaders == null) {
                hubHeaders = headers;
            }
            Answer answer = new Answer(connection, status, headers, hubHeaders);
            Optional<String> location = headers.firstValue("Location");
            if (isRedirect(status) && location.isPresent()) {
                answer.close();
                URI next = current.resolve(location.get());
                LOG.debug("{} redirected to {}://{}", current.getPath(), next.getScheme(), next.getHost());
                current = next;
                continue;
            }
            return answer;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri.getPath());
    }

    private HttpURLConnection open(URI uri, long rangeStart) throws IOException {
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("refusing to follow a redirect to a " + uri.getScheme() + " URL");
        }
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setAuthenticator(NO_CREDENTIALS);
        connection.setConnectTimeout(millis(settings.connectTimeout()));
        connection.setReadTimeout(millis(settings.readTimeout()));
        connection.setRequestProperty("User-Agent", USER_AGENT);
        connection.setRequestProperty("Accept-Encoding", "identity");
        if (rangeStart > 0) {
            connection.setRequestProperty("Range", "bytes=" + rangeStart + "-");
        }
        if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
            connection.setRequestProperty("Authorization", "Bearer " + settings.token());
        }
        return connection;
    }

    /** The answer's headers, looked up case-insensitively (HttpURLConnection lists the status line under null). */
    private static HttpHeaders headers(HttpURLConnection connection) {
        Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                fields.merge(name, values, (a, b) -> a.isEmpty() ? b : a);
            }
        });
        return HttpHeaders.of(fields, (name, value) -> true);
    }

    /** A timeout for HttpURLConnection, where 0 would mean none. */
    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** GET a small answer into memory, retrying network failures and 5xx answers. */
    byte[] getBytes(URI uri, Target target, int maxBytes) {
        for (int attempt = 1; ; attempt++) {
            try {
                try (Answer answer = get(uri, 0)) {
                    if (answer.status() != 200) {
                        throw error(answer, target);
                    }
                    byte[] bytes = answer.body().readNBytes(maxBytes + 1);
                    if (bytes.length > maxBytes) {
                        throw new HubException(HubException.Kind.INVALID_RESPONSE, describe(target)
                                + ": the Hub's answer is larger than " + maxBytes + " bytes");
                    }
                    return bytes;
                }
            } catch (IOException e) {
                HubException failure = networkError(target, e);
                if (attempt >= settings.maxAttempts()) {
                    throw failure;
                }
                pause(attempt, failure);
            } catch (HubException e) {
                if (e.kind() != HubException.Kind.NETWORK || attempt >= settings.maxAttempts()) {
                    throw e;
                }
                pause(attempt, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(target);
            }
        }
    }

    void pause(int attempt, HubException cause) {
        Duration wait = settings.backoff(attempt);
        LOG.debug("attempt {} failed ({}); retrying in {} ms", attempt, cause.getMessage(), wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted while waiting to retry: " + cause.getMessage(), cause);
        }
    }

    /** Maps an error answer to a typed exception, consuming (a bounded part of) its body. */
    HubException error(Answer answer, Target target) {
        int status = answer.status();
        String detail = detail(answer);
        String code = answer.headers().firstValue("X-Error-Code").orElse("");
        String what = describe(target);
        String repoUrl = settings.endpoint() + "/" + target.id().repoId();
        String suffix = detail.isEmpty() ? "" : " (Hub said: " + detail + ")";
        if ("GatedRepo".equals(code) || (status == 401 || status == 403) && !"RepoNotFound".equals(code)) {
            String auth = settings.token() == null
                    ? "no token was sent: set HF_TOKEN to an access token of an account that has accepted it"
                    : "the token that was sent has no access: accept the licence with the token's account or use another HF_TOKEN";
            return new HubException(HubException.Kind.GATED_OR_PRIVATE, what + " is gated or private (HTTP " + status
                    + "): accept the model's licence at " + repoUrl + "; " + auth + suffix, status, null, null);
        }
        if ("RepoNotFound".equals(code) || status == 404 || status == 401) {
            String message = switch (code) {
                case "RevisionNotFound" -> "revision '" + target.id().revisionOrDefault() + "' of " + target.id().repoId()
                        + " was not found on the Hub";
                case "EntryNotFound" -> what + " was not found on the Hub";
                default -> "model " + target.id().repoId() + " was not found on the Hub at " + settings.endpoint()
                        + (settings.token() == null ? "; if it is private, set HF_TOKEN" : "");
            };
            return new HubException(HubException.Kind.NOT_FOUND, message + suffix, status, null, null);
        }
        if (status == 429) {
            Duration retryAfter = retryAfter(answer.headers()).orElse(null);
            return new HubException(HubException.Kind.RATE_LIMITED, "the Hub is rate-limiting requests for " + what
                    + (retryAfter == null ? "" : "; retry after " + retryAfter.toSeconds() + " s") + suffix, status, retryAfter, null);
        }
        if (status >= 500) {
            return new HubException(HubException.Kind.NETWORK, "the Hub failed with HTTP " + status + " for " + what + suffix,
                    status, null, null);
        }
        return new HubException(HubException.Kind.INVALID_RESPONSE, "unexpected HTTP " + status + " from the Hub for " + what
                + suffix, status, null, null);
    }

    HubException networkError(Target target, IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new HubException(HubException.Kind.NETWORK, "network failure talking to the Hub at " + settings.endpoint()
                + " for " + describe(target) + ": " + reason, e);
    }

    HubException interrupted(Target target) {
        return new HubException(HubException.Kind.NETWORK, "interrupted while fetching " + describe(target));
    }

    static String describe(Target target) {
        String rev = target.id().revision() == null ? "" : " at revision '" + target.id().revision() + "'";
        return target.filename() == null
                ? "model " + target.id().repoId() + rev
                : "file '" + target.filename() + "' of model " + target.id().repoId() + rev;
    }

    /** {@code Retry-After} as seconds or an HTTP date. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::strip);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String detail(Answer answer) {
        Optional<String> header = answer.headers().firstValue("X-Error-Message");
        String body = "";
        try (InputStream in = answer.body()) {
            body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The status already tells what happened; the body only adds detail.
        }
        if (header.isPresent()) {
            return header.get();
        }
        Matcher m = JSON_ERROR.matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
