package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * A local Gemini API for tests: a real HTTP server on loopback answering {@code GET /v1beta/models},
 * {@code POST /v1beta/models/<model>:generateContent} and {@code :streamGenerateContent?alt=sse} in Google's
 * documented shapes (candidates, finishReason, usageMetadata; streamed word by word as partial responses, the last
 * with the finish reason and the whole usage), echoing the last text. It requires {@code x-goog-api-key} (when a key
 * is set), refuses a {@code system} role inside {@code contents} as Gemini does, stops at {@code maxOutputTokens}
 * words, fails calls on demand in Google's error shape, and records every request.
 */
public final class FakeGemini implements AutoCloseable {

    private static final Pattern CALL = Pattern.compile("^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)$");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"maxOutputTokens\"\\s*:\\s*(\\d+)");
    private static final Pattern SYSTEM_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"system\"");
    private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final FakeServer server;
        private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> models = List.of("gemini-fake-flash", "gemini-fake-pro");
    private volatile String requiredKey;

    private FakeGemini() {
        server = new FakeServer("fake-gemini", "/v1beta/", this::handle);
    }

    /** Starts one on a free loopback port. */
    public static FakeGemini start() {
        return new FakeGemini();
    }

    /** What a connection's base URL is: {@code http://127.0.0.1:<port>/v1beta}. */
    public String baseUrl() {
        return server.origin()
                + "/v1beta";
    }

    /** Answers 400 "API key not valid" unless {@code x-goog-api-key: <key>} is sent (null: any key). */
    public FakeGemini requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** The next {@code times} calls answer {@code status} (429, 500, 503) in Google's error shape instead. */
    public FakeGemini failNext(int times, int status) {
        for (int i = 0; i < times; i++) {
            failures.add(status);
        }
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
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            server.requests.add(new FakeLlmProvider.RecordedCall(exchange.getRequestMethod(), path, query, headers, body));
            if (requiredKey != null && !requiredKey.equals(headers.get("x-goog-api-key"))) {
                send(exchange, 400, error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."));
                return;
            }
            Matcher call = CALL.matcher(path);
            if (path.equals("/v1beta/models") && exchange.getRequestMethod().equals("GET")) {
                StringBuilder data = new StringBuilder();
                for (String m : models) {
                    data.append(data.isEmpty() ? "" : ",").append("{\"name\":\"models/").append(m)
                            .append("\",\"displayName\":\"").append(m).append("\",\"supportedGenerationMethods\":")
                            .append("[\"generateContent\",\"countTokens\"]}");
                }
                send(exchange, 200, "{\"models\":[" + data + "]}");
            } else if (call.matches() && exchange.getRequestMethod().equals("POST")) {
                boolean stream = call.group(2).equals("streamGenerateContent");
                if (stream && !"alt=sse".equals(query)) {
                    send(exchange, 400, error(400, "INVALID_ARGUMENT", "this fake streams only with alt=sse"));
                    return;
                }
                generate(exchange, call.group(1), body, stream);
            } else {
                send(exchange, 404, error(404, "NOT_FOUND", "Not found: " + path));
            }
        }
    }

    /** Answers a generateContent call (also FakeVertex's, which serves the same bodies under its own paths). */
    void generate(HttpExchange exchange, String model, String body, boolean stream) throws IOException {
        Integer failure = failures.poll();
        if (failure != null) {
            String status = switch (failure) {
                case 429 -> "RESOURCE_EXHAUSTED";
                case 503 -> "UNAVAILABLE";
                default -> "INTERNAL";
            };
            send(exchange, failure, error(failure, status, "The fake Gemini fails this call with " + failure));
            return;
        }
        if (!models.contains(model)) {
            send(exchange, 404, error(404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, "
                    + "or is not supported for generateContent."));
            return;
        }
        if (!body.contains("\"contents\"") || SYSTEM_ROLE.matcher(body).find()) {
            send(exchange, 400, error(400, "INVALID_ARGUMENT", "Please use a valid role: user, model."));
            return;
        }
        String last = "";
        Matcher text = TEXT.matcher(body);
        while (text.find()) {
            last = text.group(1);
        }
        String[] words = ("echo: " + last).split(" ");
        Matcher maxTokens = MAX_TOKENS.matcher(body);
        int limit = maxTokens.find() ? Integer.parseInt(maxTokens.group(1)) : Integer.MAX_VALUE;
        String[] reply = words.length > limit ? Arrays.copyOf(words, limit) : words;
        String finish = words.length > limit ? "MAX_TOKENS" : "STOP";
        int prompt = last.isBlank() ? 0 : last.strip().split("\\s+").length;
        String id = "fake-" + ids.incrementAndGet();
        if (!stream) {
            send(exchange, 200, response(String.join(" ", reply), finish, prompt, reply.length, model, id));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < reply.length; i++) {
            boolean lastWord = i == reply.length - 1;
            String data = response((i == 0 ? "" : " ") + reply[i], lastWord ? finish : null, prompt, i + 1, model, id);
            out.write(("data: " + data + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static String response(String text, String finish, int prompt, int candidates, String model, String id) {
        return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + FakeReplies.quote(text) + "}],\"role\":\"model\"},"
                + (finish == null ? "" : "\"finishReason\":\"" + finish + "\",") + "\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + prompt + ",\"candidatesTokenCount\":" + candidates
                + ",\"totalTokenCount\":" + (prompt + candidates) + "},\"modelVersion\":\"" + model
                + "\",\"responseId\":\"" + id + "\"}";
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String error(int code, String status, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":" + FakeReplies.quote(message) + ",\"status\":\"" + status + "\"}}";
    }


    @Override
    public void close() {
        server.close();
    }

    /** Runs one until killed, printing its base URL: for trying a gemini connection by hand. */
    public static void main(String[] args) throws InterruptedException {
        FakeGemini fake = start();
        System.out.println("BASE_URL " + fake.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
