package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the message out of a provider's error body: OpenAI's {@code error.message}, a problem's detail, AWS's and
 * Cohere's {@code message}, or the text.
 */
final class ProviderErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = 500;

    private ProviderErrors() {
    }

    static String message(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null) {
                JsonNode error = json.path("error");
                if (error.isTextual()) {
                    return error.asText();
                }
                if (error.path("message").isTextual()) {
                    return error.path("message").asText();
                }
                if (json.path("detail").isTextual()) {
                    return json.path("detail").asText();
                }
                // AWS (Bedrock) and Cohere: {"message": "..."}; some AWS services capitalise it.
                for (String field : new String[] {"message", "Message"}) {
                    if (json.path(field).isTextual()) {
                        return json.path(field).asText();
                    }
                }
            }
        } catch (IOException e) {
            // Not JSON: the text itself says what happened.
        }
        if (text.isEmpty()) {
            return "(no body)";
        }
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
    }

    /** The provider's error type, when it sends one. */
    static String type(byte[] body) {
        try {
            JsonNode type = JSON.readTree(body).path("error").path("type");
            return type.isTextual() ? type.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
