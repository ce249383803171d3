package io.modelcat.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local OpenAI-compatible provider for tests: a real HTTP server on loopback answering {@code GET /v1/models},
 * {@code POST /v1/chat/completions} (whole, or streamed as server-sent events word by word, echoing the last message),
 * {@code POST /v1/completions} (echoing the prompt) and {@code POST /v1/embeddings} (a small vector per input). It
 * also answers as an Azure OpenAI resource: {@code /openai/deployments/<deployment>/...?api-version=<v>} and
 * {@code /openai/models?api-version=<v>} with the key in {@code api-key} (its models are the deployments), and can
 * behave as Mistral's API does ({@link #mistralStyle()}). It can require a key, fail the next calls with a status
 * (429 with Retry-After, 500), answer slowly, and records every request with its headers, query and body so that tests
 * can check what was sent.
 */
public final class FakeLlmProvider implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern PROMPT = Pattern.compile("\"prompt\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern INPUTS = Pattern.compile("\"input\"\\s*:\\s*(\\[[^\\]]*\\]|\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern DEPLOYMENT = Pattern.compile("^/openai/deployments/([^/]+)(/.*)$");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-llm-provider");
        t.setDaemon(true);
        return t;
    });
    private final List<RecordedCall> requests = new CopyOnWriteArrayList<>();
    private final Deque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile List<String> models = List.of("fake-small", "fake-large");
    private volatile String requiredKey;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration chunkDelay = Duration.ZERO;
    private volatile boolean mistralStyle;

    /** One request received: its method, path, query (or null), headers (names in lower case) and body. */
    public record RecordedCall(String method, String path, String query, Map<String, String> headers, String body) {

        public RecordedCall(String method, String path, Map<String, String> headers, String body) {
            this(method, path, null, headers, body);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private record Failure(int status, Integer retryAfterSeconds) {
    }

    private FakeLlmProvider(HttpServer server) {
        this.server = server;
        server.createContext("/v1/", this::handle);
        server.createContext("/openai/", this::handle);
        server.createContext("/stats", this::stats);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a provider on a free loopback port. */
    public static FakeLlmProvider start() {
        try {
            return new FakeLlmProvider(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL OpenAI clients take: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/v1";
    }

    /** The models {@code /v1/models} lists. */
    public FakeLlmProvider models(List<String> names) {
        this.models = List.copyOf(names);
        return this;
    }

    /** Answers 401 unless {@code Authorization: Bearer <key>} is sent (null: no key needed). */
    public FakeLlmProvider requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** The next {@code times} chat calls answer {@code status} (with Retry-After when given) instead. */
    public FakeLlmProvider failNext(int times, int status, Integer retryAfterSeconds) {
        for (int i = 0; i < times; i++) {
            failures.add(new Failure(status, retryAfterSeconds));
        }
        return this;
    }

    /** How long each chat call waits before answering. */
    public FakeLlmProvider delay(Duration wait) {
        this.delay = wait;
        return this;
    }

    /**
     * Answers as Mistral's API: streams end with the usage on their last chunk without being asked, and a body with
     * {@code stream_options} (which Mistral does not know) is refused with 422.
     */
    public FakeLlmProvider mistralStyle() {
        this.mistralStyle = true;
        return this;
    }

    /** The base URL of an Azure OpenAI resource served here: {@code http://127.0.0.1:<port>}. */
    public String resourceUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** How long a stream waits between its chunks. */
    public FakeLlmProvider chunkDelay(Duration wait) {
        this.chunkDelay = wait;
        return this;
    }

    /** Every request received so far, oldest first. */
    public List<RecordedCall> requests() {
        return List.copyOf(requests);
    }

    /** Requests to {@code path} (e.g. {@code /v1/chat/completions}). */
    public List<RecordedCall> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The most chat calls that were being answered at once. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    /** Forgets the requests, failures and settings made so far. */
    public void reset() {
        requests.clear();
        failures.clear();
        mostInFlight.set(0);
        requiredKey = null;
        delay = Duration.ZERO;
        chunkDelay = Duration.ZERO;
        mistralStyle = false;
        models = List.of("fake-small", "fake-large");
        rateLimit(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new RecordedCall(exchange.getRequestMethod(), path, query, headers, body));
            boolean azure = path.startsWith("/openai/");
            if (requiredKey != null && !(azure ? requiredKey.equals(headers.get("api-key"))
                    : ("Bearer " + requiredKey).equals(headers.get("authorization")))) {
                send(exchange, 401, azure ? azureError("401", "Access denied due to invalid subscription key or wrong API "
                        + "endpoint.") : error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"),
                        null);
                return;
            }
            String model = null;
            if (azure) {
                if (query == null || !query.matches("(.*&)?api-version=[^&]+(&.*)?")) {
                    send(exchange, 404, azureError("404", "Resource not found"), null);
                    return;
                }
                Matcher deployment = DEPLOYMENT.matcher(path);
                if (deployment.matches()) {
                    model = deployment.group(1);
                    if (!models.contains(model)) {
                        send(exchange, 404, azureError("DeploymentNotFound", "The API deployment for this resource "
                                + "does not exist."), null);
                        return;
                    }
                    path = "/v1" + deployment.group(2);
                } else if (path.equals("/openai/models")) {
                    path = "/v1/models";
                }
            }
            if (mistralStyle && body.contains("\"stream_options\"")) {
                send(exchange, 422, "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\","
                        + "\"loc\":[\"body\",\"stream_options\"],\"msg\":\"Extra inputs are not permitted\"}]},"
                        + "\"type\":\"invalid_request_message_error\",\"param\":null,\"code\":null}", null);
                return;
            }
            String method = exchange.getRequestMethod();
            if (path.equals("/v1/models") && method.equals("GET")) {
                StringBuilder data = new StringBuilder();
                for (String m : models) {
                    data.append(data.isEmpty() ? "" : ",").append("{\"id\":").append(FakeReplies.quote(m))
                            .append(",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"fake\"}");
                }
                send(exchange, 200, "{\"object\":\"list\",\"data\":[" + data + "]}", null);
            } else if (path.equals("/v1/chat/completions") && method.equals("POST")) {
                chat(exchange, body, model);
            } else if (path.equals("/v1/completions") && method.equals("POST")) {
                completion(exchange, body, model);
            } else if (path.equals("/v1/embeddings") && method.equals("POST")) {
                embeddings(exchange, body, model);
            } else {
                send(exchange, 404, error("Unknown route " + path, "invalid_request_error", null), null);
            }
        }
    }

    /** The model a call names: Azure's deployment from the path, else the body's {@code model}; null if unknown. */
    private String model(HttpExchange exchange, String body, String deployment) throws IOException {
        if (deployment != null) {
            return deployment;
        }
        Matcher model = MODEL.matcher(body);
        String name = model.find() ? model.group(1) : "unknown";
        if (!models.contains(name)) {
            send(exchange, 404, error("The model '" + name + "' does not exist", "invalid_request_error",
                    "model_not_found"), null);
            return null;
        }
        return name;
    }

    private boolean failed(HttpExchange exchange) throws IOException {
        Failure failure = failures.poll();
        if (failure != null) {
            send(exchange, failure.status(), error("The fake provider fails this call with " + failure.status(),
                    failure.status() == 429 ? "rate_limit_error" : "server_error", null), failure.retryAfterSeconds());
            return true;
        }
        return false;
    }

    private void completion(HttpExchange exchange, String body, String deployment) throws IOException {
        if (failed(exchange)) {
            return;
        }
        String modelName = model(exchange, body, deployment);
        if (modelName == null) {
            return;
        }
        Matcher prompt = PROMPT.matcher(body);
        String text = prompt.find() ? prompt.group(1) : "";
        String reply = " echo: " + text;
        int p = words(text);
        int c = words(reply);
        send(exchange, 200, "{\"id\":\"cmpl-fake-" + ids.incrementAndGet() + "\",\"object\":\"text_completion\","
                + "\"created\":1700000000,\"model\":" + FakeReplies.quote(modelName) + ",\"choices\":[{\"index\":0,\"text\":"
                + FakeReplies.quote(reply) + ",\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + p
                + ",\"completion_tokens\":" + c + ",\"total_tokens\":" + (p + c) + "}}", null);
    }

    /** Each input's vector is [its length in words, its length in characters, 1]. */
    private void embeddings(HttpExchange exchange, String body, String deployment) throws IOException {
        if (failed(exchange)) {
            return;
        }
        String modelName = model(exchange, body, deployment);
        if (modelName == null) {
            return;
        }
        Matcher input = INPUTS.matcher(body);
        if (!input.find()) {
            send(exchange, 400, error("'input' is a required property", "invalid_request_error", null), null);
            return;
        }
        StringBuilder data = new StringBuilder();
        int tokens = 0;
        Matcher each = STRING.matcher(input.group(1));
        for (int i = 0; each.find(); i++) {
            String text = each.group(1);
            tokens += words(text);
            data.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":[").append(words(text)).append(".0,").append(text.length()).append(".0,1.0]}");
        }
        send(exchange, 200, "{\"object\":\"list\",\"data\":[" + data + "],\"model\":" + FakeReplies.quote(modelName)
                + ",\"usage\":{\"prompt_tokens\":" + tokens + ",\"total_tokens\":" + tokens + "}}", null);
    }

    private void chat(HttpExchange exchange, String body, String deployment) throws IOException {
        if (refusedOverRate(exchange)) {
            return;
        }
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        try {
            pause(delay);
            if (failed(exchange)) {
                return;
            }
            String modelName = model(exchange, body, deployment);
            if (modelName == null) {
                return;
            }
            String last = "";
            Matcher content = CONTENT.matcher(body);
            while (content.find()) {
                last = content.group(1);
            }
            String reply = "echo: " + last;
            int prompt = words(last);
            int completion = words(reply);
            String usage = "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                    + (prompt + completion) + "}";
            String id = "chatcmpl-fake-" + ids.incrementAndGet();
            if (STREAM.matcher(body).find()) {
                stream(exchange, id, modelName, reply, INCLUDE_USAGE.matcher(body).find() || mistralStyle ? usage : null);
                return;
            }
            send(exchange, 200, "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":"
                    + FakeReplies.quote(modelName) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + FakeReplies.quote(reply) + "},\"finish_reason\":\"stop\"}],\"usage\":" + usage + "}", null);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void stream(HttpExchange exchange, String id, String model, String reply, String usage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String head = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":"
                + FakeReplies.quote(model) + ",\"choices\":[";
        String[] parts = reply.split(" ");
        for (int i = 0; i < parts.length; i++) {
            String text = (i == 0 ? "" : " ") + parts[i];
            event(out, head + "{\"index\":0,\"delta\":{" + (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":"
                    + FakeReplies.quote(text) + "},\"finish_reason\":null}]}");
            pause(chunkDelay);
        }
        if (mistralStyle) {
            // Mistral puts the usage on the chunk that finishes the choice.
            event(out, head + "{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":"
                    + usage + "}");
            event(out, "[DONE]");
            return;
        }
        event(out, head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        if (usage != null) {
            event(out, head + "],\"usage\":" + usage + "}");
        }
        event(out, "[DONE]");
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String json, Integer retryAfterSeconds) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfterSeconds != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfterSeconds.toString());
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String error(String message, String type, String code) {
        return "{\"error\":{\"message\":" + FakeReplies.quote(message) + ",\"type\":" + FakeReplies.quote(type) + ",\"param\":null,\"code\":"
                + (code == null ? "null" : FakeReplies.quote(code)) + "}}";
    }

    private static String azureError(String code, String message) {
        return "{\"error\":{\"code\":" + FakeReplies.quote(code) + ",\"message\":" + FakeReplies.quote(message) + "}}";
    }

    private static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }


    private static void pause(Duration wait) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The rate limit (bench/bulk-test.sh): a sliding window of the chat calls let through in the last second.

    private final Deque<Long> admitted = new ArrayDeque<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile int ratePerSecond;

    /**
     * Lets at most {@code perSecond} chat calls through in any one second and answers the others at once with 429
     * and how long until one would pass: {@code Retry-After} in seconds (fractional, as OpenAI's SDK and ModelCat's
     * mesh read it) and {@code retry-after-ms}. 0 lifts the limit.
     */
    public FakeLlmProvider rateLimit(int perSecond) {
        synchronized (admitted) {
            ratePerSecond = perSecond;
            admitted.clear();
            rateLimited.set(0);
        }
        return this;
    }

    /** How many chat calls the rate limit answered with 429. */
    public int rateLimited() {
        return rateLimited.get();
    }

    private boolean refusedOverRate(HttpExchange exchange) throws IOException {
        long waitNanos;
        synchronized (admitted) {
            if (ratePerSecond <= 0) {
                return false;
            }
            long now = System.nanoTime();
            while (!admitted.isEmpty() && now - admitted.peekFirst() >= 1_000_000_000L) {
                admitted.pollFirst();
            }
            if (admitted.size() < ratePerSecond) {
                admitted.addLast(now);
                return false;
            }
            rateLimited.incrementAndGet();
            waitNanos = admitted.peekFirst() + 1_000_000_000L - now;
        }
        long waitMillis = Math.max(1, (waitNanos + 999_999) / 1_000_000);
        exchange.getResponseHeaders().set("Retry-After", String.format(Locale.ROOT, "%.3f", waitMillis / 1000.0));
        exchange.getResponseHeaders().set("retry-after-ms", Long.toString(waitMillis));
        send(exchange, 429, error("Rate limit reached: " + ratePerSecond + " requests per second", "requests",
                "rate_limit_exceeded"), null);
        return true;
    }

    /** {@code GET /stats}: chat calls received, those the rate limit refused, and the most answered at once. */
    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, "{\"chatRequests\":" + requests("/v1/chat/completions").size() + ",\"rateLimited\":"
                    + rateLimited.get() + ",\"mostInFlight\":" + mostInFlight.get() + "}", null);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs a provider until killed, printing its base URL: for the Python tests, the benchmarks and for trying the
     * mesh by hand. Arguments: model names, and {@code --delay-ms <n>} and {@code --rate <per second>}.
     */
    public static void main(String[] args) throws InterruptedException {
        FakeLlmProvider provider = start();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--delay-ms" -> provider.delay(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--rate" -> provider.rateLimit(Integer.parseInt(args[++i]));
                default -> names.add(args[i]);
            }
        }
        if (!names.isEmpty()) {
            provider.models(names);
        }
        System.out.println("BASE_URL " + provider.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
