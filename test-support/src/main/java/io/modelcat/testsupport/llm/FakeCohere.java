package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Cohere API for tests: a real HTTP server on loopback answering {@code POST /v2/chat} (whole, or streamed
 * as Cohere's server-sent events {@code message-start}, {@code content-start}, {@code content-delta} per word,
 * {@code content-end}, {@code message-end} with the finish reason and usage), {@code POST /v2/embed} and
 * {@code GET /v1/models} in Cohere's documented shapes, echoing the last message. It requires
 * {@code Authorization: Bearer <key>} (when a key is set), {@code input_type} for embeddings (as Cohere's v3 models
 * do), stops at {@code max_tokens} words, counts billed units apart from the tokens it saw (the prompt template adds
 * some), fails calls on demand in Cohere's error shape, and records every request.
 */
public final class FakeCohere implements AutoCloseable {

    /** The tokens of the prompt template the fake adds to every chat's counted (not billed) input tokens. */
    public static final int TEMPLATE_TOKENS = 7;
    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TEXTS = Pattern.compile("\"texts\"\\s*:\\s*\\[([^\\]]*)]");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final FakeServer server;
        private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> models = List.of("command-fake", "embed-fake-v3.0");
    private volatile String requiredKey;

    private FakeCohere() {
        server = new FakeServer("fake-cohere", "/", this::handle);
    }

    /** Starts one on a free loopback port. */
    public static FakeCohere start() {
        return new FakeCohere();
    }

    /** What a connection's base URL is: {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return server.origin();
    }

    /** Answers 401 unless {@code Authorization: Bearer <key>} is sent (null: any). */
    public FakeCohere requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** The next {@code times} calls answer {@code status} (400, 429, 500) in Cohere's error shape instead. */
    public FakeCohere failNext(int times, int status) {
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
            Map<String, String> headers = FakeReplies.headers(exchange);
            String path = exchange.getRequestURI().getPath();
            server.requests.add(new FakeLlmProvider.RecordedCall(exchange.getRequestMethod(), path,
                    exchange.getRequestURI().getRawQuery(), headers, body));
            if (requiredKey != null && !("Bearer " + requiredKey).equals(headers.get("authorization"))) {
                error(exchange, 401, "invalid api token");
                return;
            }
            boolean post = exchange.getRequestMethod().equals("POST");
            if (path.equals("/v1/models") && exchange.getRequestMethod().equals("GET")) {
                StringBuilder data = new StringBuilder();
                for (String m : models) {
                    data.append(data.isEmpty() ? "" : ",").append("{\"name\":\"").append(m).append("\",\"endpoints\":[")
                            .append(m.startsWith("embed") ? "\"embed\"" : "\"chat\"").append("]}");
                }
                FakeReplies.send(exchange, 200, "{\"models\":[" + data + "]}");
            } else if ((path.equals("/v2/chat") || path.equals("/v2/embed")) && post) {
                Integer failure = failures.poll();
                if (failure != null) {
                    error(exchange, failure, "The fake Cohere fails this call with " + failure);
                } else if (path.equals("/v2/chat")) {
                    chat(exchange, body);
                } else {
                    embed(exchange, body);
                }
            } else {
                error(exchange, 404, "Not found: " + path);
            }
        }
    }

    private void chat(HttpExchange exchange, String body) throws IOException {
        Matcher model = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        if (!model.find() || !models.contains(model.group(1))) {
            error(exchange, 404, "model '" + (model.find(0) ? model.group(1) : "") + "' not found, make sure the "
                    + "correct model ID was used and that you have access to the model.");
            return;
        }
        String last = "";
        Matcher content = CONTENT.matcher(body);
        while (content.find()) {
            last = content.group(1);
        }
        String[] words = ("echo: " + last).split(" ");
        Matcher maxTokens = MAX_TOKENS.matcher(body);
        int limit = maxTokens.find() ? Integer.parseInt(maxTokens.group(1)) : Integer.MAX_VALUE;
        String[] reply = words.length > limit ? Arrays.copyOf(words, limit) : words;
        String finish = words.length > limit ? "MAX_TOKENS" : "COMPLETE";
        int prompt = words(last);
        String usage = "{\"billed_units\":{\"input_tokens\":" + prompt + ",\"output_tokens\":" + reply.length
                + "},\"tokens\":{\"input_tokens\":" + (prompt + TEMPLATE_TOKENS) + ",\"output_tokens\":"
                + reply.length + "}}";
        String id = "fake-" + ids.incrementAndGet();
        if (!body.replace(" ", "").contains("\"stream\":true")) {
            FakeReplies.send(exchange, 200, "{\"id\":\"" + id + "\",\"finish_reason\":\"" + finish + "\",\"message\":"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
                    + FakeReplies.quote(String.join(" ", reply)) + "}]},\"usage\":" + usage + "}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<String[]> events = new ArrayList<>();
        events.add(new String[] {"message-start", "{\"id\":\"" + id + "\",\"type\":\"message-start\",\"delta\":"
                + "{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],"
                + "\"citations\":[]}}}"});
        events.add(new String[] {"content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":"
                + "{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}"});
        for (int i = 0; i < reply.length; i++) {
            events.add(new String[] {"content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":"
                    + "{\"content\":{\"text\":" + FakeReplies.quote((i == 0 ? "" : " ") + reply[i]) + "}}}}"});
        }
        events.add(new String[] {"content-end", "{\"type\":\"content-end\",\"index\":0}"});
        events.add(new String[] {"message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"" + finish
                + "\",\"usage\":" + usage + "}}"});
        for (String[] event : events) {
            out.write(("event: " + event[0] + "\ndata: " + event[1] + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void embed(HttpExchange exchange, String body) throws IOException {
        if (!body.contains("\"input_type\"")) {
            error(exchange, 400, "invalid request: valid input_type must be provided with the provided model");
            return;
        }
        Matcher texts = TEXTS.matcher(body);
        if (!texts.find()) {
            error(exchange, 400, "invalid request: texts must be a list of strings");
            return;
        }
        StringBuilder vectors = new StringBuilder();
        int tokens = 0;
        Matcher text = STRING.matcher(texts.group(1));
        while (text.find()) {
            String t = text.group(1);
            tokens += words(t);
            vectors.append(vectors.isEmpty() ? "" : ",").append('[');
            for (int i = 0; i < 4; i++) {
                vectors.append(i == 0 ? "" : ",").append(((t.hashCode() >> (i * 3)) & 0xff) / 255.0);
            }
            vectors.append(']');
        }
        FakeReplies.send(exchange, 200, "{\"id\":\"fake-embed-" + ids.incrementAndGet() + "\",\"embeddings\":"
                + "{\"float\":[" + vectors + "]},\"texts\":[" + texts.group(1) + "],\"meta\":{\"api_version\":"
                + "{\"version\":\"2\"},\"billed_units\":{\"input_tokens\":" + tokens + "}}}");
    }

    private static int words(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        FakeReplies.send(exchange, status, "{\"id\":\"fake-error\",\"message\":" + FakeReplies.quote(message) + "}");
    }

    @Override
    public void close() {
        server.close();
    }

    /** Runs one until killed, printing its base URL: for trying a cohere connection by hand. */
    public static void main(String[] args) throws InterruptedException {
        FakeCohere fake = start();
        System.out.println("BASE_URL " + fake.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
