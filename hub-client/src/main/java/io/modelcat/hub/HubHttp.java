package io.modelcat.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends GET requests to the Hub: follows redirects itself so the token only goes to the Hub's own origin,
 * and turns error answers into {@link HubException}s.
 */
final class HubHttp {

    private static final Logger LOG = LoggerFactory.getLogger(HubHttp.class);
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_ERROR_BODY = 4096;
    private static final String USER_AGENT = "modelcat-hub-client/0.1 (java.net.http)";
    private static final Pattern JSON_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** What a request was about, for error messages. */
    record Target(ModelId id, String filename) {
    }

    /**
     * The final answer after redirects, with the headers of the Hub's own first answer
     * ({@code X-Repo-Commit}, {@code X-Linked-Etag} and {@code X-Linked-Size} are only there).
     */
    record Answer(HttpResponse<InputStream> response, HttpHeaders hubHeaders) {
        int status() {
            return response.statusCode();
        }
    }

    private final HubClientSettings settings;
    private final HttpClient http;

    HubHttp(HubClientSettings settings) {
        this.settings = settings;
        // HTTP/1.1: one stream per download is all we need, and it avoids h2c upgrade quirks with plain-http mirrors.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    HubClientSettings settings() {
        return settings;
    }

    URI uri(String path) {
        return URI.create(settings.endpoint() + path);
    }

    /** GET {@code uri}, following redirects; {@code rangeStart > 0} asks for the bytes from there on. */
    Answer get(URI uri, long rangeStart) throws IOException, InterruptedException {
        URI current = uri;
        HttpHeaders hubHeaders = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .GET()
                    .timeout(settings.readTimeout())
                    .header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity");
            if (rangeStart > 0) {
                request.header("Range", "bytes=" + rangeStart + "-");
            }
            if (settings.token() != null && sameOrigin(current, settings.endpoint())) {
                request.header("Authorization", "Bearer " + settings.token());
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (hubHeaders == null) {
                hubHeaders = response.headers();
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (isRedirect(response.statusCode()) && location.isPresent()) {
                response.body().close();
                URI next = current.resolve(location.get());
                LOG.debug("{} redirected to {}://{}", current.getPath(), next.getScheme(), next.getHost());
                current = next;
                continue;
            }
            return new Answer(response, hubHeaders);
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri.getPath());
    }

    /** GET a small answer into memory, retrying network failures and 5xx answers. */
    byte[] getBytes(URI uri, Target target, int maxBytes) {
        for (int attempt = 1; ; attempt++) {
            try {
                Answer answer = get(uri, 0);
                if (answer.status() != 200) {
                    throw error(answer.response(), target);
                }
                try (InputStream in = answer.response().body()) {
                    byte[] bytes = in.readNBytes(maxBytes + 1);
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
    HubException error(HttpResponse<InputStream> response, Target target) {
        int status = response.statusCode();
        String detail = detail(response);
        String code = response.headers().firstValue("X-Error-Code").orElse("");
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
            Duration retryAfter = retryAfter(response.headers()).orElse(null);
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

    private static String detail(HttpResponse<InputStream> response) {
        Optional<String> header = response.headers().firstValue("X-Error-Message");
        String body = "";
        try (InputStream in = response.body()) {
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
