package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

/**
 * AWS's binary event-stream framing ({@code application/vnd.amazon.eventstream}, Bedrock's ConverseStream), decoded
 * by AWS's own decoder (which checks each message's CRCs). Each message becomes
 * {@code {"event": "<:event-type>", "payload": {...}}}, or {@code {"exception": "<:exception-type>", "payload": {...}}}
 * for an exception message, for {@link BedrockDialect}'s translator to read.
 */
final class AwsEventStreamEvents implements ProviderEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputStream body;
    private final Deque<Message> decoded = new ArrayDeque<>();
    private final MessageDecoder decoder = new MessageDecoder(decoded::add);
    private final byte[] buffer = new byte[8192];

    AwsEventStreamEvents(InputStream body) {
        this.body = body;
    }

    @Override
    public String next() throws IOException {
        while (decoded.isEmpty()) {
            int read = body.read(buffer);
            if (read < 0) {
                return null;
            }
            try {
                decoder.feed(buffer, 0, read);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IOException("a malformed event-stream message: " + e.getMessage(), e);
            }
        }
        return render(decoded.poll());
    }

    private static String render(Message message) throws IOException {
        String messageType = header(message, ":message-type", "event");
        JsonNode payload;
        try {
            payload = message.getPayload().length == 0 ? JSON.createObjectNode() : JSON.readTree(message.getPayload());
        } catch (IOException e) {
            payload = JSON.createObjectNode().put("message", new String(message.getPayload(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        ObjectNode out = JSON.createObjectNode();
        if (messageType.equals("event")) {
            out.put("event", header(message, ":event-type", ""));
        } else {
            // "exception" (modeled, with :exception-type) or "error" (with :error-code and :error-message).
            out.put("exception", header(message, ":exception-type", header(message, ":error-code", "error")));
            if (!payload.has("message") && message.getHeaders().containsKey(":error-message")) {
                payload = JSON.createObjectNode().put("message", header(message, ":error-message", ""));
            }
        }
        out.set("payload", payload);
        return out.toString();
    }

    private static String header(Message message, String name, String otherwise) {
        HeaderValue value = message.getHeaders().get(name);
        return value == null ? otherwise : value.getString();
    }
}
