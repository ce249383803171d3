package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.store.llm.LlmConnections;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How the mesh speaks one provider wire protocol: where each call goes, how it authenticates, and how OpenAI's
 * request, answer, stream events and errors translate to the provider's and back. One implementation per protocol
 * (docs/llm.md); the mesh itself only speaks OpenAI's shapes.
 */
interface ProviderDialect {

    /** What a mesh call asks for, with the OpenAI path and the field that must be in its body. */
    enum Operation {
        CHAT("/chat/completions", "messages"),
        COMPLETIONS("/completions", "prompt"),
        EMBEDDINGS("/embeddings", "input");

        private final String openAiPath;
        private final String requiredField;

        Operation(String openAiPath, String requiredField) {
            this.openAiPath = openAiPath;
            this.requiredField = requiredField;
        }

        /** The OpenAI path, e.g. {@code /chat/completions}, which OpenAI-shaped providers serve as is. */
        String openAiPath() {
            return openAiPath;
        }

        /** The body field every call of this kind needs ({@code messages}, {@code prompt}, {@code input}). */
        String requiredField() {
            return requiredField;
        }
    }

    /**
     * The path and query under the connection's base URL that serves {@code operation} for {@code model} (streamed
     * or not), or empty when the provider has no such API.
     */
    Optional<String> path(Operation operation, String model, LlmConnections.Settings settings, boolean stream);

    /** The path that lists the provider's models. */
    String modelsPath(LlmConnections.Settings settings);

    /** Where the provider's models are listed: {@link #modelsPath} under the connection's base URL, as a rule. */
    default java.net.URI modelsUri(String base, LlmConnections.Settings settings) {
        return java.net.URI.create(base + modelsPath(settings));
    }

    /** The model names in the provider's answer to {@link #modelsPath}; OpenAI's shape: {@code data[].id}. */
    default List<String> models(JsonNode answer) {
        List<String> models = new java.util.ArrayList<>();
        answer.path("data").forEach(m -> models.add(m.path("id").asText()));
        return models;
    }

    /** The headers that carry the connection's key. */
    Map<String, String> authHeaders(String key);

    /** The headers (lower case) the dialect sets itself, which a connection's own headers may not replace. */
    Set<String> ownHeaders();

    /**
     * The provider's request body, from OpenAI's; {@code model} is the provider's name for the model.
     *
     * @throws LlmCallException (400) for a request the provider cannot be asked
     */
    ObjectNode request(Operation operation, ObjectNode openAi, String model);

    /** OpenAI's answer from the provider's successful answer. */
    default byte[] answer(Operation operation, byte[] body) {
        return body;
    }

    /** Whether a successful answer of this content type is the provider's event stream (server-sent events). */
    default boolean isEventStream(String contentType) {
        return contentType.startsWith("text/event-stream");
    }

    /** Reads the provider's stream events, one event's data at a time: server-sent events unless said otherwise. */
    default ProviderEvents events(InputStream body) {
        return new ServerSentEvents(body);
    }

    /** Turns the provider's stream events into OpenAI's, for a call whose OpenAI request was {@code openAi}. */
    default StreamTranslator streamTranslator(ObjectNode openAi) {
        return StreamTranslator.RELAY;
    }

    /** OpenAI's error type for the provider's error body, or null when it names none. */
    default String errorType(byte[] body) {
        return ProviderErrors.type(body);
    }

    /** The status to answer for the provider's (a status of its own becomes the nearest standard one). */
    default int status(int providerStatus) {
        return providerStatus;
    }

    /** Turns the data of a provider's server-sent events into the data of OpenAI's, one event at a time. */
    interface StreamTranslator {

        /** Relays OpenAI-shaped events as they are. */
        StreamTranslator RELAY = List::of;

        /** OpenAI's events (zero or more data strings, {@code [DONE]} last) for one of the provider's. */
        List<String> translate(String data);

        /** OpenAI's last events once the provider's stream has ended (for providers that send no end of their own). */
        default List<String> end() {
            return List.of();
        }

        /** The call's usage in OpenAI's shape when the translator counts it itself, else null. */
        default JsonNode usage() {
            return null;
        }

        /**
         * Whether the caller's stream ends with a usage chunk: when it sent no {@code stream_options}, or ones with
         * {@code include_usage: true}.
         */
        static boolean includesUsage(ObjectNode openAi) {
            JsonNode options = openAi.path("stream_options");
            return !options.isObject() || options.path("include_usage").asBoolean(false);
        }

        /**
         * OpenAI's end of a stream: {@code [DONE]}, after a chunk of no choices that carries the usage when the caller
         * asked for it ({@code stream_options.include_usage}) and the provider sent one.
         *
         * @param chunk a new chunk of the stream (its id, object, created and model)
         */
        static List<String> done(boolean includeUsage, JsonNode usage, Supplier<ObjectNode> chunk) {
            if (!includeUsage || usage == null) {
                return List.of("[DONE]");
            }
            ObjectNode last = chunk.get();
            last.putArray("choices");
            last.set("usage", usage);
            return List.of(last.toString(), "[DONE]");
        }
    }
}
