package io.modelcat.runner.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.jobs.flow.ChatModel;
import io.modelcat.jobs.flow.MeshHeaders;
import io.modelcat.jobs.flow.OpenAiChat;
import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.runner.execute.TransientJobException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Calls the LLM mesh of catalog-service (docs/llm.md) for a bulk test's job: as the runner (its runner token) on
 * behalf of the job ({@code X-ModelCat-Job}), which the mesh counts as the call of the person who asked for the
 * test. A 429 (a connection's limit) is waited out as its Retry-After says, without counting as a failure, so that
 * a test faster than its connection allows slows to the limit; a 5xx or a failure to connect is tried again a few
 * times. A mesh that cannot be reached stops the job as a transient failure, one that refuses the runner (401, 403)
 * fails it: neither is the row's fault. Any other answer fails the row with the mesh's message.
 */
final class MeshChatModel implements ChatModel {

    /** The mesh's chat route under the catalog's URL. */
    static final String CHAT_PATH = "/api/v1/llm/v1/chat/completions";
    /** The mesh's embeddings route under the catalog's URL. */
    static final String EMBEDDINGS_PATH = "/api/v1/llm/v1/embeddings";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SERVER_RETRIES = 3;
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final URI chat;
    private final URI embeddings;
    private final String runnerToken;
    private final UUID jobId;
    private final BooleanSupplier cancelled;

    MeshChatModel(HttpClient http, String catalogUrl, String runnerToken, UUID jobId, BooleanSupplier cancelled) {
        this.http = http;
        this.chat = URI.create(catalogUrl.replaceAll("/+$", "") + CHAT_PATH);
        this.embeddings = URI.create(catalogUrl.replaceAll("/+$", "") + EMBEDDINGS_PATH);
        this.runnerToken = runnerToken;
        this.jobId = jobId;
        this.cancelled = cancelled;
    }

    @Override
    public Reply chat(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens)
            throws LlmCallFailed {
        HttpResponse<String> answer = post(chat, OpenAiChat.request(model, messages, temperature, maxTokens));
        return OpenAiChat.reply(answer.body(), answer.headers().firstValue(MeshHeaders.COST).map(v -> {
            try {
                return Double.valueOf(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null));
    }

    @Override
    public List<double[]> embed(String model, List<String> texts) throws LlmCallFailed {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        texts.forEach(body.withArray("input")::add);
        HttpResponse<String> answer = post(embeddings, body.toString());
        try {
            JsonNode data = JSON.readTree(answer.body()).path("data");
            double[][] vectors = new double[texts.size()][];
            for (JsonNode item : data) {
                int index = item.path("index").asInt(-1);
                if (index < 0 || index >= vectors.length) {
                    throw new LlmCallFailed(200, "the embeddings answer has an item of index " + index);
                }
                JsonNode values = item.path("embedding");
                vectors[index] = new double[values.size()];
                for (int i = 0; i < values.size(); i++) {
                    vectors[index][i] = values.get(i).asDouble();
                }
            }
            for (int i = 0; i < vectors.length; i++) {
                if (vectors[i] == null) {
                    throw new LlmCallFailed(200, "the embeddings answer has no vector for input " + i);
                }
            }
            return List.of(vectors);
        } catch (IOException e) {
            throw new LlmCallFailed(200, "the answer is not a list of embeddings: " + e.getMessage());
        }
    }

    /** POSTs a body to the mesh, waiting out 429s and retrying 5xx as the class says; answers the 200. */
    private HttpResponse<String> post(URI route, String body) throws LlmCallFailed {
        HttpRequest request = HttpRequest.newBuilder(route).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + runnerToken).header(MeshHeaders.JOB, jobId.toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int serverFailures = 0;
        while (true) {
            if (cancelled.getAsBoolean()) {
                throw new LlmCallFailed(0, "the bulk test was cancelled");
            }
            HttpResponse<String> answer;
            try {
                answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (++serverFailures > SERVER_RETRIES) {
                    // Not the row's fault: the job stops (answered rows are kept) and is tried again later.
                    throw new TransientJobException("the LLM mesh at " + route + " could not be reached ("
                            + e.getMessage() + "); check MODELCAT_CATALOG_URL on this runner", e);
                }
                pause(Duration.ofMillis(500L << serverFailures));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmCallFailed(0, "interrupted");
            }
            int status = answer.statusCode();
            if (status == 200) {
                return answer;
            }
            if (status == 429) {
                pause(retryAfter(answer));
                continue;
            }
            if (status >= 500 && ++serverFailures <= SERVER_RETRIES) {
                pause(Duration.ofMillis(500L << serverFailures));
                continue;
            }
            if (status == 401 || status == 403) {
                // Every row would fail alike: the job fails instead, saying why.
                throw new IllegalStateException("the LLM mesh refused this runner's call for the job (" + status + "): "
                        + message(answer.body()));
            }
            throw new LlmCallFailed(status, "the LLM mesh answered " + status + ": " + message(answer.body()));
        }
    }

    /** The error's message in OpenAI's shape ({@code error.message}) or RFC 7807's ({@code detail}). */
    static String message(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            String message = json.path("error").path("message").asText(json.path("detail").asText(""));
            if (!message.isEmpty()) {
                return message;
            }
        } catch (IOException e) {
            // Not JSON: the text itself.
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** The mesh's wait (a second when it gives none), at most {@link #LONGEST_WAIT}. */
    private static Duration retryAfter(HttpResponse<?> answer) {
        Duration wait = MeshHeaders.retryAfter(answer.headers()).orElse(Duration.ofSeconds(1));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.isNegative() ? Duration.ZERO : wait;
    }

    private void pause(Duration wait) throws LlmCallFailed {
        try {
            Thread.sleep(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmCallFailed(0, "interrupted");
        }
    }
}
