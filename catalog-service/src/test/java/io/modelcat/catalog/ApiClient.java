package io.modelcat.catalog;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Real HTTP calls against the running service, answers parsed as plain JSON maps; with a token, as its account. */
public final class ApiClient {

    private final URI base;
    private final JsonMapper json;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A client that sends no credentials. */
    public ApiClient(URI base, JsonMapper json) {
        this(base, json, null);
    }

    /** A client that sends {@code token} as its bearer token (null: none). */
    public ApiClient(URI base, JsonMapper json, String token) {
        this.base = base;
        this.json = json;
        this.token = token;
    }

    /** The same service, called with another token (null: none). */
    public ApiClient as(String otherToken) {
        return new ApiClient(base, json, otherToken);
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Answer post(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body))));
    }

    public Answer patch(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body))));
    }

    public Answer put(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body))));
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    /** Sends a raw body (a dataset upload); {@code withLength} false sends it chunked, without a Content-Length. */
    public Answer upload(String path, String contentType, byte[] content, boolean withLength) {
        HttpRequest.BodyPublisher body = withLength ? HttpRequest.BodyPublishers.ofByteArray(content)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(content));
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType).POST(body));
    }

    /** The service's address of {@code path}. */
    public URI uri(String path) {
        return base.resolve(path);
    }

    /** Sends any request built against {@link #uri(String)}. */
    public Answer send(HttpRequest.Builder request) {
        if (token != null) {
            request.setHeader("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), json, response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #send}, the body read as ISO-8859-1, so binary content survives byte for byte. */
    public Answer sendBytes(HttpRequest.Builder request) {
        if (token != null) {
            request.setHeader("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    new String(response.body(), StandardCharsets.ISO_8859_1), json, response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One HTTP answer. */
    public record Answer(int status, String contentType, String body, JsonMapper json, Map<String, List<String>> headers) {

        public Answer(int status, String contentType, String body, JsonMapper json) {
            this(status, contentType, body, json, Map.of());
        }

        /** The first value of a response header (any case), or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        public Map<String, Object> map() {
            try {
                return json.readValue(body, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON object: " + body, e);
            }
        }

        public List<Map<String, Object>> list() {
            try {
                return json.readValue(body, Argument.listOf(Argument.mapOf(String.class, Object.class)));
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON array: " + body, e);
            }
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) map().get("items");
        }

        /** The field names of a problem body's errors. */
        @SuppressWarnings("unchecked")
        public List<String> errorFields() {
            return ((List<Map<String, Object>>) map().getOrDefault("errors", List.of())).stream()
                    .map(e -> (String) e.get("field")).toList();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
