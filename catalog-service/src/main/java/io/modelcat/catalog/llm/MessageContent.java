package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's request fields as the translating dialects read them: a message's content (a string, or a list of text
 * parts; images and other parts are refused with a 400: the translations carry text only), and optional fields
 * copied under another name.
 */
final class MessageContent {

    private MessageContent() {
    }

    /** The texts of a message's content, in order: one for a string, one per part for a list of text parts. */
    static List<String> textParts(JsonNode content) {
        if (content.isTextual()) {
            return List.of(content.asText());
        }
        if (content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw LlmCallException.invalid("messages", "unsupported_content", "this connection's provider is "
                            + "sent text parts only, not '" + part.path("type").asText() + "'");
                }
                texts.add(part.path("text").asText());
            }
            return texts;
        }
        throw LlmCallException.invalid("messages", "invalid_messages", "each message needs its content: a string or "
                + "a list of text parts");
    }

    /** A message's content as one text, its parts joined by new lines. */
    static String text(JsonNode content) {
        return String.join("\n", textParts(content));
    }

    /** Copies {@code field} of {@code from} to {@code to} as {@code as}, when the request gives it (not null). */
    static void copy(ObjectNode from, String field, ObjectNode to, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }
}
