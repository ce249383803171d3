package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Anthropic Messages API for tests: a real HTTP server on loopback answering {@code GET /v1/models} and
 * {@code POST /v1/messages} in Anthropic's documented shapes, whole or streamed as its server-sent events
 * (message_start, content_block_start, ping, content_block_delta word by word, content_block_stop, message_delta,
 * message_stop), echoing the last message. It requires {@code x-api-key} (when a key is set) and
 * {@code anthropic-version}, refuses a body without {@code max_tokens} or with a system message inside
 * {@code messages} as Anthropic does, stops at {@code max_tokens} words, fails calls on demand in Anthropic's error
 * shape (429 with retry-after, 529 overloaded, an error event mid-stream), and records every request.
 */
public final class FakeAnthropic implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");
    private static final Pattern SYSTEM_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"system\"");
    private static final Pattern TEXT = Pattern.compile("\"(?:content|text)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final FakeServer server;
        private final Deque<Integer[]> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile List<String> models = List.of("claude-fake-haiku", "claude-fake-sonnet");
    private volatile String requiredKey;
    private volatile boolean breakStream;

    private FakeAnthropic() {
        server = new FakeServer("fake-anthropic", "/v1/", this::handle);
    }

    /** Starts one on a free loopback port. */
    public static FakeAnthropic start() {
        return new FakeAnthropic();
    }

    /** What a connection's base URL is: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return server.origin() + "/v1";
    }

    /** Answers 401 unless {@code x-api-key: <key>} is sent (null: any key). */
    public FakeAnthropic requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** The next {@code times} message calls answer {@code status} (429 with retry-after when given) instead. */
    public FakeAnthropic failNext(int times, int status, Integer retryAfterSeconds) {
        for (int i = 0; i < times; i++) {
            failures.add(new Integer[] {status, retryAfterSeconds});
        }
        return this;
    }

    /** Streams send an overloaded error event after their first text delta, and stop. */
    public FakeAnthropic breakStreams() {
        this.breakStream = true;
        return this;
    }

    /** Every request received so far, oldest first. */
    public List<FakeLlmProvider.RecordedCall> requests() {
        return List.copyOf(server.requests);
    }

    /** Forgets the requests, failures and settings made so far. */
    public void reset() {
        server.requests.clear();
        failures.clear();
        requiredKey = null;
        breakStream = false;
        models = List.of("claude-fake-haiku", "claude-fake-sonnet");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = exchange.getRequestURI().getPath();
            server.requests.add(new FakeLlmProvider.RecordedCall(exchange.getRequestMethod(), path, headers, body));
            if (requiredKey != null && !requiredKey.equals(headers.get("x-api-key"))) {
                send(exchange, 401, error("authentication_error", "invalid x-api-key"), null);
                return;
            }
            if (headers.get("anthropic-version") == null) {
                send(exchange, 400, error("invalid_request_error", "anthropic-version: header is required"), null);
                return;
            }
            if (path.equals("/v1/models") && exchange.getRequestMethod().equals("GET")) {
                StringBuilder data = new StringBuilder();
                for (String m : models) {
                    data.append(data.isEmpty() ? "" : ",").append("{\"type\":\"model\",\"id\":").append(FakeReplies.quote(m))
                            .append(",\"display_name\":").append(FakeReplies.quote(m)).append(",\"created_at\":\"2025-01-01T00:00:00Z\"}");
                }
                send(exchange, 200, "{\"data\":[" + data + "],\"has_more\":false,\"first_id\":"
                        + FakeReplies.quote(models.get(0)) + ",\"last_id\":" + FakeReplies.quote(models.get(models.size() - 1)) + "}", null);
            } else if (path.equals("/v1/messages") && exchange.getRequestMethod().equals("POST")) {
                messages(exchange, body);
            } else {
                send(exchange, 404, error("not_found_error", "Not found: " + path), null);
            }
        }
    }

    private void messages(HttpExchange exchange, String body) throws IOException {
        Integer[] failure = failures.poll();
        if (failure != null) {
            int status = failure[0];
            String type = switch (status) {
                case 429 -> "rate_limit_error";
                case 529 -> "overloaded_error";
                case 400 -> "invalid_request_error";
                default -> "api_error";
            };
            send(exchange, status, error(type, "The fake Anthropic fails this call with " + status), failure[1]);
            return;
        }
        Matcher maxTokens = MAX_TOKENS.matcher(body);
        if (!maxTokens.find()) {
            send(exchange, 400, error("invalid_request_error", "max_tokens: Field required"), null);
            return;
        }
        if (SYSTEM_ROLE.matcher(body).find()) {
            send(exchange, 400, error("invalid_request_error", "messages: Unexpected role \"system\". The Messages API "
                    + "accepts a top-level `system` parameter, not \"system\" as an input message role."), null);
            return;
        }
        Matcher model = MODEL.matcher(body);
        String modelName = model.find() ? model.group(1) : "unknown";
        if (!models.contains(modelName)) {
            send(exchange, 404, error("not_found_error", "model: " + modelName), null);
            return;
        }
        String last = "";
        Matcher text = TEXT.matcher(body);
        while (text.find()) {
            last = text.group(1);
        }
        String[] words = ("echo: " + last).split(" ");
        int limit = Integer.parseInt(maxTokens.group(1));
        boolean cut = words.length > limit;
        String[] reply = cut ? java.util.Arrays.copyOf(words, limit) : words;
        String stopReason = cut ? "max_tokens" : "end_turn";
        int input = last.isBlank() ? 0 : last.strip().split("\\s+").length;
        String id = "msg_fake_" + ids.incrementAndGet();
        if (STREAM.matcher(body).find()) {
            stream(exchange, id, modelName, reply, stopReason, input);
            return;
        }
        send(exchange, 200, "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + FakeReplies.quote(modelName) + ",\"content\":[{\"type\":\"text\",\"text\":" + FakeReplies.quote(String.join(" ", reply))
                + "}],\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input
                + ",\"output_tokens\":" + reply.length + "}}", null);
    }

    private void stream(HttpExchange exchange, String id, String model, String[] reply, String stopReason, int input)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":" + FakeReplies.quote(model) + ",\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}");
        event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}");
        event(out, "ping", "{\"type\": \"ping\"}");
        for (int i = 0; i < reply.length; i++) {
            event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":" + FakeReplies.quote((i == 0 ? "" : " ") + reply[i]) + "}}");
            if (breakStream) {
                event(out, "error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                        + "\"Overloaded\"}}");
                return;
            }
        }
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + reply.length + "}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String json, Integer retryAfterSeconds) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("request-id", "req_fake");
        if (retryAfterSeconds != null) {
            exchange.getResponseHeaders().set("retry-after", retryAfterSeconds.toString());
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":" + FakeReplies.quote(type) + ",\"message\":" + FakeReplies.quote(message) + "}}";
    }


    @Override
    public void close() {
        server.close();
    }

    /** Runs one until killed, printing its base URL: for trying an anthropic connection by hand. */
    public static void main(String[] args) throws InterruptedException {
        FakeAnthropic fake = start();
        System.out.println("BASE_URL " + fake.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
