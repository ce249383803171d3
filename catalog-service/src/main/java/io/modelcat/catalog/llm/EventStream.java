package io.modelcat.catalog.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A provider's server-sent events, read one at a time as the caller takes them (so a slow caller slows the read,
 * not the memory) and translated to OpenAI's by the connection's dialect: each item is one OpenAI event's data. Watches for the {@code usage} chunk; on {@link #close()} (at the
 * end, on a failure, or when the caller goes away) it closes the provider's stream and reports the usage seen.
 */
public final class EventStream implements LlmMesh.Outcome, Iterator<String>, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputStream body;
    private final ProviderEvents events;
    private final Consumer<JsonNode> onClose;
    private final ProviderDialect.StreamTranslator translator;
    private final Deque<String> pending = new ArrayDeque<>();
    private boolean ended;
    private String next;
    private boolean done;
    private boolean closed;
    private JsonNode usage;

    EventStream(InputStream body, ProviderEvents events, ProviderDialect.StreamTranslator translator,
                Consumer<JsonNode> onClose) {
        this.body = body;
        this.translator = translator;
        this.events = events;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = readEvent();
            done = next == null;
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String data = next;
        next = null;
        if ("[DONE]".equals(data)) {
            done = true;
        } else if (data.contains("\"usage\"")) {
            try {
                JsonNode u = JSON.readTree(data).path("usage");
                if (u.isObject()) {
                    usage = u;
                }
            } catch (IOException e) {
                // A chunk that is not JSON is relayed as it is.
            }
        }
        return data;
    }

    /** The next OpenAI event's data, translated from the provider's, or null at the end of the stream. */
    private String readEvent() {
        while (pending.isEmpty() && !ended) {
            String data = readProviderEvent();
            if (data == null) {
                ended = true;
                pending.addAll(translator.end());
            } else {
                pending.addAll(translator.translate(data));
            }
        }
        return pending.poll();
    }

    /** The data of the provider's next event, or null at the end of the stream. */
    private String readProviderEvent() {
        try {
            return events.next();
        } catch (IOException e) {
            throw new UncheckedIOException("the provider's stream broke off: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            body.close();
        } catch (IOException e) {
            // Closing is all that is wanted.
        }
        onClose.accept(translator.usage() != null ? translator.usage() : usage);
    }
}
